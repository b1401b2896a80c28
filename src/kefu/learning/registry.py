"""Versioned models on disk: every candidate is kept with its manifest, one is current, and a
rollback is one step back through the promotions.

    <root>/versions/v0003/            the model's files, as its builder wrote them
    <root>/versions/v0003/kefu-model.json   the manifest: metrics, verdict, parent, time
    <root>/CURRENT                    the current version's name (replaced atomically)
    <root>/promotions.log             one line per promotion or rollback, oldest first
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

MANIFEST = "kefu-model.json"


class RegistryError(ValueError):
    """Something a person asked of the registry that it cannot do (shown as a message)."""


@dataclass(frozen=True, slots=True)
class ModelVersion:
    name: str
    path: Path
    manifest: dict[str, Any]


class ModelRegistry:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def _versions(self) -> Path:
        return self.root / "versions"

    def versions(self) -> list[ModelVersion]:
        if not self._versions.is_dir():
            return []
        found = []
        for folder in sorted(p for p in self._versions.iterdir() if p.is_dir()):
            manifest_path = folder / MANIFEST
            if manifest_path.exists():
                found.append(
                    ModelVersion(folder.name, folder, json.loads(manifest_path.read_text("utf-8")))
                )
        return found

    def get(self, name: str) -> ModelVersion:
        for version in self.versions():
            if version.name == name:
                return version
        raise RegistryError(f"no model version {name!r} in {self.root}")

    def add(self, built: Path, manifest: dict[str, Any], at: datetime) -> ModelVersion:
        """Copies a built model into the registry as the next version."""
        existing = self.versions()
        number = 1 + max((int(v.name[1:]) for v in existing), default=0)
        name = f"v{number:04d}"
        target = self._versions / name
        shutil.copytree(built, target)
        full = {**manifest, "version": name, "created_at": at.isoformat()}
        (target / MANIFEST).write_text(json.dumps(full, ensure_ascii=False, indent=1), "utf-8")
        return ModelVersion(name, target, full)

    def current(self) -> ModelVersion | None:
        pointer = self.root / "CURRENT"
        if not pointer.exists():
            return None
        return self.get(pointer.read_text("utf-8").strip())

    def promote(self, name: str, at: datetime) -> ModelVersion:
        version = self.get(name)
        self._record("promote", name, at)
        return version

    def rollback(self, at: datetime) -> ModelVersion:
        """Makes the version that was current before the current one current again; each
        rollback steps one promotion further back."""
        stack = self.promotions()
        if not stack:
            raise RegistryError("no model has been promoted yet")
        if len(stack) < 2:
            raise RegistryError(f"{stack[-1]} is the first model promoted: nothing to roll back to")
        back = stack[-2]
        self._record("rollback", back, at)
        return self.get(back)

    def promotions(self) -> list[str]:
        """The promoted versions still in force, oldest first; the last one is current."""
        log = self.root / "promotions.log"
        if not log.exists():
            return []
        stack: list[str] = []
        for line in log.read_text("utf-8").splitlines():
            step = json.loads(line)
            if step["action"] == "rollback":
                stack.pop()
            else:
                stack.append(step["version"])
        return stack

    def _record(self, action: str, name: str, at: datetime) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "promotions.log").open("a", encoding="utf-8") as log:
            log.write(json.dumps({"action": action, "version": name, "at": at.isoformat()}) + "\n")
        self._point_at(name)

    def _point_at(self, name: str) -> None:
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(name + "\n", "utf-8")
        os.replace(tmp, self.root / "CURRENT")

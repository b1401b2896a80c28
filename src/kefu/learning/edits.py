"""What accepting a proposal makes of the knowledge base, as data: the new entry, the
phrasings added to an existing one, a corrected answer. Pure; the actions store the result
(and the pre-check measures it first)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from kefu.domain.errors import InvalidInput
from kefu.knowledge.model import Bilingual, Category, KnowledgeEntry
from kefu.knowledge.template import check_template
from kefu.learning.model import Proposal

MAX_TEXT = 4000
#: Phrasings one proposal may carry into an entry.
MAX_PHRASINGS = 200


@dataclass(frozen=True, slots=True)
class ProposalEdit:
    """What a reviewer changed before accepting; None keeps the proposal's value."""

    question: str | None = None
    answer: str | None = None
    question_en: str | None = None
    answer_en: str | None = None
    phrasings: tuple[str, ...] | None = None
    entry_id: str | None = None


#: Accepting a proposal as it stands.
NO_EDIT = ProposalEdit()


def new_entry(
    proposal: Proposal, edit: ProposalEdit, category: tuple[Category, ...], owner: str
) -> KnowledgeEntry:
    """The entry a new-entry proposal becomes, with the reviewer's edits."""
    question = _text(edit.question, proposal.question, "question")
    answer = _text(edit.answer, proposal.answer, "answer")
    _check_answer(answer)
    other_q = (edit.question_en or "").strip()
    other_a = (edit.answer_en or "").strip()
    if other_a:
        _check_answer(other_a)
    zh_first = proposal.language != "en"
    return KnowledgeEntry(
        id=f"learned-{proposal.id.removeprefix('p-')[:12]}",
        question=Bilingual(question, other_q) if zh_first else Bilingual(other_q, question),
        answer=Bilingual(answer, other_a) if zh_first else Bilingual(other_a, answer),
        phrasings=_phrasings(edit.phrasings, proposal.phrasings),
        category=category,
        owner=owner,
        tags=("learned",),
    )


def added_phrasings(
    entry: KnowledgeEntry, proposal: Proposal, edit: ProposalEdit
) -> tuple[str, ...]:
    """The proposal's wordings (or the reviewer's) that `entry` does not have yet."""
    wanted = _phrasings(edit.phrasings, (proposal.question, *proposal.phrasings))
    have = set(entry.texts)
    return tuple(p for p in wanted if p not in have)


def corrected(entry: KnowledgeEntry, proposal: Proposal, edit: ProposalEdit) -> KnowledgeEntry:
    """`entry` with the answer in the proposal's language replaced by the reviewer's."""
    answer = (edit.answer or "").strip()
    if not answer:
        raise InvalidInput("a correction needs the corrected answer")
    _check_answer(answer)
    fixed = (
        Bilingual(entry.answer.zh, answer)
        if proposal.language == "en"
        else Bilingual(answer, entry.answer.en)
    )
    return replace(entry, answer=fixed)


def category_of(path: str | None, entries: Iterable[KnowledgeEntry]) -> tuple[Category, ...]:
    """The category an existing entry has under `path` ("food/delivery"), else none."""
    if not path:
        return ()
    for e in entries:
        if "/".join(c.id for c in e.category) == path:
            return e.category
    return ()


def _text(edited: str | None, proposed: str, what: str) -> str:
    value = (edited if edited is not None else proposed).strip()
    if not value:
        raise InvalidInput(f"the {what} is empty")
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"the {what} is longer than {MAX_TEXT} characters")
    return value


def _check_answer(answer: str) -> None:
    problems = check_template(answer)
    if problems:
        raise InvalidInput("answer: " + "; ".join(problems))


def _phrasings(edited: tuple[str, ...] | None, proposed: tuple[str, ...]) -> tuple[str, ...]:
    chosen = proposed if edited is None else edited
    clean = dict.fromkeys(p.strip() for p in chosen if p.strip())
    if any(len(p) > MAX_TEXT for p in clean):
        raise InvalidInput(f"a phrasing is longer than {MAX_TEXT} characters")
    return tuple(clean)[:MAX_PHRASINGS]

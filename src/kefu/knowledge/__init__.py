"""The knowledge base: entries, self-service menus and suggested questions.

What the bot (and agent assist) call — the instances live on the container as
`container.knowledge`, `container.menus` and `container.suggestions`:

    KnowledgeService                                    (kefu.knowledge.service)
      match(text, *, language="zh", channel=None, customer_tags=(), now=None, top_k=3)
          -> list[KnowledgeHit(entry, score, matched_text)]      # sync, in memory
      get(entry_id) -> KnowledgeEntry | None                     # sync
      render_answer(entry, language, variables: Mapping[str, object] | None = None) -> str
      category_tree(language) -> dict                            # nested menu tree
      search(query, *, category=None, tag=None, enabled=None) -> list[KnowledgeEntry]
      all() -> list[KnowledgeEntry]
      async create / update / delete / import_entries / history   # admins

    SuggestionService                                   (kefu.knowledge.suggestion_service)
      async suggest(conversation_id, customer_id, language, now)
          -> list[Suggestion(id, text, knowledge_id)]        # 3–5, most likely first
      async record_click(conversation_id, suggestion_id) -> None
      pin(topic, *, text_zh="", text_en="", until=None) -> Pin;  unpin(topic) -> bool
      bursts: BurstSource        # live ops plugs its burst detector in here

    MenuService                                         (kefu.knowledge.journeys)
      menu(node, *, language, channel, customer_tags, now=None) -> dict
      async record(conversation_id, action, node, level, entry_point) -> JourneyRecord
      async dropoff(since=None) -> list[NodeDropoff]

`match` filters validity dates, audience tags, channel and `enabled` after ranking. Every
write goes to the database with a version row, edits the live matcher (`NluEngine.knowledge`)
at once and publishes `knowledge.changed`, on which other instances reload the entry.
See docs/knowledge.md.
"""

from kefu.knowledge.model import Bilingual, Category, KnowledgeEntry, parse_entry
from kefu.knowledge.service import KnowledgeHit, KnowledgeService
from kefu.knowledge.suggestions import Suggestion

__all__ = [
    "Bilingual",
    "Category",
    "KnowledgeEntry",
    "KnowledgeHit",
    "KnowledgeService",
    "Suggestion",
    "parse_entry",
]

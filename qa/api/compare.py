"""``GET /api/compare``: 上下级对照 over HTTP (included in the /api router, so it needs the API key
when one is set; widget tokens do not allow it).

- ``?doc=雅安&clause=五[&with=四川省减污降碳…]``  a clause and its counterparts, with the differences
- ``?topic=非化石能源消费比重[&doc=…][&with=…]``      the clause a topic is about, likewise
- ``?question=雅安和全省的…哪个高？[&regions=雅安市,四川省]``  a comparison table (one row per region, cited)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from qa.errors import InputError
from qa.validation import check_text


def compare_router(service: Any, max_question_chars: int = 500) -> APIRouter:
    router = APIRouter()

    @router.get("/compare", summary="上下级对照 / compare a clause or topic across plans")
    def compare(doc: str | None = None, clause: str | None = None, topic: str | None = None,
                question: str | None = None, regions: str | None = None,
                with_: list[str] | None = Query(None, alias="with")) -> Any:
        from qa.compare.answer import compare_answer
        from qa.compare.service import compare_service

        svc = compare_service(service)
        others = [check_text(o, "对照文件 / with", max_chars=300) for o in with_ or []] or None
        if question is not None:
            q = check_text(question, "问题 / question", max_chars=max_question_chars)
            names = [r.strip() for r in check_text(regions or "", "地区 / regions", max_chars=300,
                                                   allow_empty=True).split(",") if r.strip()]
            table = compare_answer(q, svc, regions=names)
            if table is None:
                raise InputError("这不是可以对照回答的问题 / not a comparison question",
                                 hint="在问题中写出至少两个地区或方案，例如“雅安和全省…” / name two regions or plans")
            return {"kind": "table", **table.to_dict()}
        if clause is not None:
            if doc is None:
                raise InputError("clause 需要同时给出 doc / clause needs doc")
            cmp = svc.compare_clause(check_text(doc, "文件 / doc", max_chars=300),
                                     check_text(clause, "条款 / clause", max_chars=50), others)
            return {"kind": "clause", **cmp.to_dict()}
        if topic is not None:
            d = check_text(doc, "文件 / doc", max_chars=300) if doc else None
            cmp = svc.compare_topic(check_text(topic, "主题 / topic", max_chars=200), d, others)
            return {"kind": "clause", **cmp.to_dict()}
        raise InputError("请给出 doc+clause、topic 或 question / give doc and clause, a topic, or a question")

    return router

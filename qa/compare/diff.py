"""The differences between two aligned clauses: figures (value, year, qualifier), lead and partner
departments, named projects, and the sentences only one side has."""

from __future__ import annotations

from qa.compare.aligner import bigrams, body_text
from qa.compare.figures import department_key, figures, lead_department, projects, sentences
from qa.compare.model import ClauseDiff, ClauseRecord, Figure, FigureDiff

#: a sentence counts as present on the other side when this share of its bigrams is in one sentence there
SENTENCE_MATCH = 0.6
#: two figures are about the same thing when their metrics share this share of bigrams (Dice)
METRIC_MATCH = 0.5


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _figure_key(f: Figure) -> set[str]:
    return bigrams(f.metric) or {f.unit}


def diff_figures(left: list[Figure], right: list[Figure]) -> list[FigureDiff]:
    out: list[FigureDiff] = []
    used: set[int] = set()
    for lf in left:
        best, best_j = 0.0, -1
        for j, rf in enumerate(right):
            if j in used:
                continue
            sim = _dice(_figure_key(lf), _figure_key(rf))
            if lf.unit == rf.unit:
                sim += 0.05
            if sim > best:
                best, best_j = sim, j
        same_head = best_j >= 0 and lf.metric[-2:] == right[best_j].metric[-2:]
        if best_j >= 0 and best >= METRIC_MATCH and (same_head or best >= 0.8):
            rf = right[best_j]
            used.add(best_j)
            if lf.year and rf.year and lf.year != rf.year:
                status = "year"
            elif (lf.value, lf.unit) != (rf.value, rf.unit):
                status = "value"
            elif lf.qualifier != rf.qualifier:
                status = "qualifier"
            else:
                status = "same"
            out.append(FigureDiff(lf.metric or rf.metric, lf.year or rf.year, lf, rf, status))
        else:
            out.append(FigureDiff(lf.metric, lf.year, lf, None, "only_left"))
    for j, rf in enumerate(right):
        if j not in used:
            out.append(FigureDiff(rf.metric, rf.year, None, rf, "only_right"))
    return out


def _only(mine: list[str], theirs: list[str]) -> list[str]:
    bags = [bigrams(t) for t in theirs]
    out = []
    for s in mine:
        b = bigrams(s)
        if not b:
            continue
        cover = max((len(b & t) / len(b) for t in bags), default=0.0)
        if cover < SENTENCE_MATCH:
            out.append(s)
    return out


def diff_clauses(left: ClauseRecord, right: ClauseRecord) -> ClauseDiff:
    """What differs between ``left`` (the chosen clause) and ``right`` (its counterpart)."""
    lt, rt = body_text(left.text), body_text(right.text)
    ls, rs = sentences(lt), sentences(rt)
    only_l, only_r = _only(ls, rs), _only(rs, ls)
    total = len(ls) + len(rs)
    similarity = (total - len(only_l) - len(only_r)) / total if total else 1.0
    lk = {department_key(d): d for d in left.departments}
    rk = {department_key(d): d for d in right.departments}
    lp, rp = projects(lt), projects(rt)
    rp_keys, lp_keys = set(rp), set(lp)
    lead_l = lead_department(left.text, left.departments)
    lead_r = lead_department(right.text, right.departments)
    return ClauseDiff(
        figures=tuple(diff_figures(figures(lt), figures(rt))),
        lead_left=lead_l,
        lead_right=lead_r,
        lead_same=department_key(lead_l) == department_key(lead_r),
        departments_only_left=tuple(v for k, v in lk.items() if k not in rk),
        departments_only_right=tuple(v for k, v in rk.items() if k not in lk),
        departments_common=tuple(v for k, v in lk.items() if k in rk),
        projects_only_left=tuple(p for p in lp if p not in rp_keys and not any(p in q or q in p for q in rp)),
        projects_only_right=tuple(p for p in rp if p not in lp_keys and not any(p in q or q in p for q in lp)),
        sentences_only_left=tuple(only_l),
        sentences_only_right=tuple(only_r),
        similarity=round(similarity, 4),
    )

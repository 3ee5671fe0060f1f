"""Index build / load / incremental updates / search, with the deterministic hash embedder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.errors import IndexError_, InputError
from qa.index.builder import IndexBuilder
from qa.index.embedders import HashEmbedder, make_embedder
from qa.index.keyword import BM25, char_tokens
from qa.index.retriever import Retriever
from qa.index.store import load_index
from tests.conftest import fake_settings

QUESTIONS = ["雅安到2025年非化石能源消费比重要达到多少？", "工业园区污水怎么处理", "重庆的交通运输领域有什么要求",
             "十四五节能减排的主要目标", "资阳市煤炭消费总量控制"]


def _builder(settings):
    return IndexBuilder(settings, make_embedder(settings), progress=False)


def _results(settings) -> list[list[tuple[str, str, float]]]:
    r = Retriever(settings, make_embedder(settings))
    out = []
    for q in QUESTIONS:
        hits, _ = r.search(q, k=8)
        out.append([(h.chunk.chunk_id, h.chunk.label, round(h.score, 9)) for h in hits])
    return out


def _snapshot(folder: Path) -> dict:
    chunks = (folder / "chunks.jsonl").read_text(encoding="utf-8")
    vectors = np.load(folder / "vectors.npy")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {"chunks": chunks, "vectors": vectors.tobytes(), "docs": manifest["documents"]}


def test_build_writes_all_artifacts_and_manifest(tmp_path):
    s = fake_settings(tmp_path)
    report = _builder(s).build()
    assert report.n_documents == 5 and report.n_chunks > 140
    folder = Path(s.index_dir)
    for name in ("manifest.json", "chunks.jsonl", "vectors.npy", "faiss.index", "keyword_matrix.npz",
                 "documents.json"):
        assert (folder / name).is_file(), name
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["embedding_model"] == "hash:256" and m["dim"] == 256 and m["normalized"] is True
    assert m["chunker_version"] and m["index_type"] == "IndexFlatIP"
    assert all(len(d["content_hash"]) == 64 for d in m["documents"].values())
    left = [p.name for p in folder.parent.iterdir() if p.name.startswith(".index.")]
    assert folder.is_symlink() and left == [folder.resolve().name]  # one version, no temporary folders


def test_add_remove_update_equal_a_full_rebuild(tmp_path):
    s = fake_settings(tmp_path)
    corpus = Path(s.corpus_dir)
    outside = tmp_path / "incoming"
    outside.mkdir()
    shutil.move(str(corpus / "ziyang_jianwu_jiangtan_2023.txt"), outside / "ziyang_jianwu_jiangtan_2023.txt")
    b = _builder(s)
    b.build()
    # add a document from elsewhere: it is copied into corpus/ and indexed
    rep = b.add([outside / "ziyang_jianwu_jiangtan_2023.txt"])
    assert rep.embedded == ["ziyang_jianwu_jiangtan_2023"] and len(rep.reused) == 4
    assert (corpus / "ziyang_jianwu_jiangtan_2023.txt").is_file()
    # remove one: gone from every search, file moved aside
    b.remove(["重庆市减污降碳协同增效实施方案"])
    r = Retriever(s, make_embedder(s))
    for q in QUESTIONS + ["重庆市"]:
        hits, _ = r.search(q, k=20)
        assert all(h.chunk.doc_id != "chongqing_jianwu_jiangtan_2023" for h in hits)
    assert not (corpus / "chongqing_jianwu_jiangtan_2023.txt").exists()
    # edit one document and delete another on disk; update re-embeds only the edited one
    p = corpus / "yaan_jianwu_jiangtan_2023.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("雅安", "雅安", 1) + "\n附则：本方案自印发之日起施行。\n",
                 encoding="utf-8")
    (corpus / "sichuan_jianwu_jiangtan_2023.txt").unlink()
    rep = b.update()
    assert rep.embedded == ["yaan_jianwu_jiangtan_2023"]
    assert rep.removed == ["sichuan_jianwu_jiangtan_2023"]
    incremental = _snapshot(Path(s.index_dir))
    incremental_results = _results(s)
    # full rebuild of the same corpus in another folder
    s2 = s.replace(index_dir=str(tmp_path / "rebuilt"))
    _builder(s2).build()
    assert _snapshot(Path(s2.index_dir)) == incremental
    assert _results(s2) == incremental_results


def test_manifest_mismatch_is_refused_with_rebuild_hint(fake_index):
    other = fake_index.replace(embedding_model="hash:128")
    with pytest.raises(IndexError_) as exc:
        Retriever(other, make_embedder(other)).load()
    assert "qa index build" in str(exc.value) and "embedding_model" in str(exc.value)
    other = fake_index.replace(keyword_tokenizer="jieba")
    with pytest.raises(IndexError_):
        Retriever(other, make_embedder(other)).load()


@pytest.mark.parametrize("name", ["faiss.index", "chunks.jsonl", "vectors.npy", "keyword_matrix.npz"])
def test_truncated_file_gives_clear_error(tmp_path, fake_index, name):
    folder = tmp_path / "idx"
    shutil.copytree(fake_index.index_dir, folder)
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: len(data) // 2])
    s = fake_index.replace(index_dir=str(folder))
    with pytest.raises(IndexError_) as exc:
        Retriever(s, make_embedder(s)).load()
    assert "qa index build" in str(exc.value)


def test_corrupt_file_of_same_size_gives_clear_error(tmp_path, fake_index):
    folder = tmp_path / "idx"
    shutil.copytree(fake_index.index_dir, folder)
    p = folder / "faiss.index"
    p.write_bytes(b"\0" * p.stat().st_size)
    s = fake_index.replace(index_dir=str(folder))
    with pytest.raises(IndexError_):
        from qa.index.builder import expected_manifest

        load_index(folder, expected_manifest(s))


def test_missing_index_says_how_to_build(tmp_path):
    s = fake_settings(tmp_path)
    with pytest.raises(IndexError_) as exc:
        Retriever(s, make_embedder(s)).load()
    assert "qa index build" in str(exc.value)


def test_crash_mid_build_leaves_previous_index_usable(tmp_path, monkeypatch):
    s = fake_settings(tmp_path)
    b = _builder(s)
    b.build()
    before = _results(s)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("qa.index.keyword.BM25.save", boom)
    with pytest.raises(RuntimeError):
        b.build()
    monkeypatch.undo()
    assert _results(s) == before
    assert not [p for p in Path(s.index_dir).parent.iterdir() if ".tmp-" in p.name]


def test_region_question_is_restricted_to_that_region(fake_service):
    for region, doc in [("雅安", "yaan_jianwu_jiangtan_2023"), ("资阳", "ziyang_jianwu_jiangtan_2023"),
                        ("重庆", "chongqing_jianwu_jiangtan_2023")]:
        res = fake_service.search(f"{region}到2025年非化石能源消费比重要达到多少？", k=5)
        assert res.scope.doc_ids == (doc,)
        assert {h.chunk.doc_id for h in res.hits} == {doc}


def test_unknown_region_is_out_of_scope(fake_service):
    res = fake_service.search("绵阳到2025年非化石能源消费比重要达到多少？", k=5)
    assert res.scope.is_out_of_scope and "绵阳" in res.scope.out_of_scope
    assert res.hits  # related reading is still returned
    res = fake_service.search("长江流域的水污染怎么治理？", k=5)
    assert not res.scope.out_of_scope  # a place the documents discuss is not foreign
    res = fake_service.search("节能减排方案里岷江的水质要怎么提升", k=5)
    assert not res.scope.out_of_scope  # a river the documents name, even with a two-character name


def test_explicit_document_filter(fake_service):
    res = fake_service.search("非化石能源消费比重", k=5, doc_ids=["资阳市减污降碳协同增效实施方案"])
    assert res.scope.explicit and {h.chunk.doc_id for h in res.hits} == {"ziyang_jianwu_jiangtan_2023"}
    with pytest.raises(InputError):
        fake_service.search("非化石能源", doc_ids=["不存在的文件"])


def test_hits_are_one_per_clause_best_first(fake_service):
    res = fake_service.search("推动能源绿色低碳转型", k=10)
    keys = [(h.chunk.doc_id, h.chunk.label) for h in res.hits]
    assert len(keys) == len(set(keys)) == 10
    scores = [h.score for h in res.hits]
    assert scores == sorted(scores, reverse=True)


def test_hnsw_above_threshold_and_filters(tmp_path):
    s = fake_settings(tmp_path, ann_threshold=10)
    _builder(s).build()
    r = Retriever(s, make_embedder(s))
    assert r.status()["loaded"] is False
    hits, _ = r.search("雅安 非化石能源", k=5)
    assert r.status()["index_type"] == "IndexHNSWFlat"
    assert {h.chunk.doc_id for h in hits} == {"yaan_jianwu_jiangtan_2023"}


def test_bm25_prefers_matching_text():
    bm = BM25("char").fit(["雅安市非化石能源消费比重达到41.5%", "重庆市工业园区污水处理", "四川省节能减排"])
    s = bm.scores("雅安非化石能源比重")
    assert int(np.argmax(s)) == 0 and s[1] < s[0]
    assert "41.5%" in char_tokens("比重达到41.5%")
    assert np.all(BM25("jieba").fit(["节能减排目标"]).scores("无关") == 0)


def test_hash_embedder_is_deterministic_and_normalised():
    e = HashEmbedder(64)
    a, b = e.embed_queries(["雅安市"]), e.embed_passages(["雅安市"])
    assert np.allclose(a, b) and abs(float(np.linalg.norm(a)) - 1) < 1e-5


def test_question_naming_two_regions_gets_clauses_of_both(fake_service):
    res = fake_service.search("雅安和四川省分别把减污降碳目标任务落实情况纳入哪一级生态环境保护督察？", k=4)
    docs = [h.chunk.doc_id for h in res.hits]
    assert "yaan_jianwu_jiangtan_2023" in docs[:2]
    assert {"sichuan_jianwu_jiangtan_2023", "sichuan_14th_fyp_energy_saving_2022"} & set(docs[:2])


def test_scope_does_not_depend_on_jiebas_global_dictionary(fake_index):
    import jieba

    from qa.index.scope import ScopeDetector, region_aliases

    docs = Retriever(fake_index, make_embedder(fake_index)).load().documents
    for meta in docs.values():  # what every detector does to jieba's global dictionary
        for alias in region_aliases(meta["region"]):
            jieba.add_word(alias, freq=100000, tag="ns")
    detector = ScopeDetector(docs, "")
    scope, _ = detector.detect("雅安和四川省分别把减污降碳目标任务落实情况纳入哪一级生态环境保护督察？")
    assert {"yaan_jianwu_jiangtan_2023", "sichuan_jianwu_jiangtan_2023"} <= set(scope.doc_ids)
    # the same title once the region is removed ("雅安市" whole, never "雅安" first leaving "市")
    assert detector.title_words["yaan_jianwu_jiangtan_2023"] == detector.title_words["sichuan_jianwu_jiangtan_2023"]


def test_a_title_word_the_corpus_shares_still_tells_apart_one_regions_documents(fake_index):
    from qa.index.scope import ScopeDetector

    docs = Retriever(fake_index, make_embedder(fake_index)).load().documents
    detector = ScopeDetector(docs, "")
    # 减污降碳 is in four titles of five, but of 四川's two documents only one has it
    scope, _ = detector.detect("四川的减污降碳那份对数据中心怎么要求？")
    assert scope.doc_ids == ("sichuan_jianwu_jiangtan_2023",)
    both, _ = detector.detect("四川的方案对数据中心怎么要求？")  # no title word: both stay
    assert len(both.doc_ids) == 2


def test_a_city_whose_name_ends_like_a_river_is_not_taken_for_the_river(fake_index):
    from qa.index.scope import ScopeDetector

    docs = Retriever(fake_index, make_embedder(fake_index)).load().documents
    detector = ScopeDetector(docs, "打造成都—镇江—重庆发展轴，加强岷江流域治理。")
    assert detector.detect("镇江的方案对光伏有什么目标？")[0].out_of_scope == ("镇江",)
    assert detector.detect("岷江的治理有什么要求？")[0].out_of_scope == ()


def test_the_words_that_name_the_plan_choose_it_over_a_title_word_used_as_topic(fake_index):
    from qa.index.scope import ScopeDetector

    docs = Retriever(fake_index, make_embedder(fake_index)).load().documents
    # "节能" of the body is the topic (路灯节能); the plan is named "省…减污降碳…方案"
    q = "省级减污降碳方案对路灯节能改造有何安排？"
    assert ScopeDetector(docs, "").detect(q)[0].doc_ids == ("sichuan_jianwu_jiangtan_2023",)
    assert ScopeDetector(docs, "", mentions=False).detect(q)[0].doc_ids == ("sichuan_14th_fyp_energy_saving_2022",)
    # words that name no document in particular ("工作方案") leave the whole question to decide
    assert ScopeDetector(docs, "").detect("四川十四五节能减排那份工作方案对路灯有何安排？")[0].doc_ids == (
        "sichuan_14th_fyp_energy_saving_2022",)


def test_a_header_parse_that_loses_cpythons_ast_race_is_read_again(tmp_path, fake_index, monkeypatch):
    """numpy parses .npy headers with ast.literal_eval; on CPython 3.11 another thread parsing at the same time can
    make it raise SystemError("…recursion depth mismatch…") for a sound file: the index is read again, while any
    other SystemError, or the race every time, is still a damaged index."""
    from qa.index import store
    from qa.index.builder import expected_manifest

    real, calls = store.np.load, []

    def racy(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SystemError("AST constructor recursion depth mismatch (before=45, after=71)")
        return real(*args, **kwargs)

    monkeypatch.setattr(store.np, "load", racy)
    expected = expected_manifest(fake_index)
    assert len(load_index(Path(fake_index.index_dir), expected).chunks) > 0 and len(calls) >= 2

    def always(*args, **kwargs):
        raise SystemError("AST constructor recursion depth mismatch (before=1, after=2)")

    monkeypatch.setattr(store.np, "load", always)
    with pytest.raises(IndexError_):
        load_index(Path(fake_index.index_dir), expected)
    monkeypatch.setattr(store.np, "load", lambda *a, **k: (_ for _ in ()).throw(SystemError("something else")))
    with pytest.raises(IndexError_):
        load_index(Path(fake_index.index_dir), expected)


def test_a_pointing_word_that_opens_a_sentence_is_no_part_of_a_place_name(fake_index):
    """"那川十四五方案…": jieba glues 那 to the region's one-character name (那川, a place word); the sentence's
    opening 那 points back, so no foreign place is named."""
    from qa.index.scope import ScopeDetector, place_names

    assert place_names("那川十四五节能方案里夜市路灯咋说的") == []
    assert "那川" in place_names("资阳那川")  # (not opening a sentence: jieba's word stands)
    assert "雅安市" in place_names("那雅安市的夜市路灯呢")  # the place after the pointing word is kept
    docs = Retriever(fake_index, make_embedder(fake_index)).load().documents
    detector = ScopeDetector(docs, "打造成都—镇江—重庆发展轴。")
    assert detector.detect("那川十四五节能方案里夜市路灯咋说的")[0].out_of_scope == ()


def test_words_that_name_one_document_only_scope_a_question_with_no_region(fake_index):
    from qa.index.scope import ScopeDetector

    docs = Retriever(fake_index, make_embedder(fake_index)).load().documents
    detector = ScopeDetector(docs, "")
    # "十四五节能减排方案": no region, but only one title has these words
    assert detector.detect("十四五节能减排方案有没有提路灯？")[0].doc_ids == ("sichuan_14th_fyp_energy_saving_2022",)
    assert ScopeDetector(docs, "", titled=False).detect("十四五节能减排方案有没有提路灯？")[0].doc_ids == ()
    # words that fit four documents name none; a title word used as the topic, with no plan named, only boosts
    assert detector.detect("减污降碳方案有没有提路灯？")[0].doc_ids == ()
    scope, boosted = detector.detect("路灯节能减排有什么要求？")
    assert scope.doc_ids == () and "sichuan_14th_fyp_energy_saving_2022" in boosted

"""The index switch is one atomic step: a process killed (os._exit, like kill -9) at every step of a
build and of an update leaves an index that loads — the old one or the new one, never none — and
the next run cleans what the killed one left."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qa.index import store
from qa.index.builder import IndexBuilder, expected_manifest
from qa.index.embedders import make_embedder
from qa.index.store import WRITE_STEPS, current_version, load_index
from tests.conftest import fake_settings

NEW_DOC = "新增测试方案.txt"
NEW_TEXT = "新增测试方案\n一、总体要求\n（一）主要目标。到2025年，测试指标达到50%左右。\n"


def builder(settings) -> IndexBuilder:
    return IndexBuilder(settings, make_embedder(settings), progress=False)


def killed_at(step: str, action) -> int:
    """Run ``action`` in a forked child that dies (os._exit, no cleanup) at ``step``; its exit code."""
    pid = os.fork()
    if pid == 0:  # child
        def die(name: str) -> None:
            if name == step:
                os._exit(137)
        store.STEP_HOOK = die
        try:
            action()
        except BaseException:
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def docs(settings) -> set[str]:
    return set(load_index(Path(settings.index_dir), expected_manifest(settings)).documents)


def leftovers(settings) -> list[str]:
    folder = Path(settings.index_dir)
    return sorted(p.name for p in folder.parent.iterdir()
                  if p.name.startswith(f".{folder.name}.") and ".v-" not in p.name)


@pytest.fixture()
def built(tmp_path):
    s = fake_settings(tmp_path)
    builder(s).build()
    return s


@pytest.mark.parametrize("operation", ["build", "update"])
def test_killed_at_every_step_leaves_a_loadable_index(built, operation, tmp_path):
    s = built
    old = docs(s)
    new_file = Path(s.corpus_dir) / NEW_DOC
    tried = []
    for step in WRITE_STEPS:
        new_file.unlink(missing_ok=True)
        builder(s).build()  # back to the old index (also cleans the previous round's leftovers)
        assert docs(s) == old and not leftovers(s)
        new_file.write_text(NEW_TEXT, encoding="utf-8")
        action = builder(s).build if operation == "build" else builder(s).update
        assert killed_at(step, action) == 137, step
        tried.append(step)
        got = docs(s)  # loads: the old index or the new one
        assert got in (old, old | {"新增测试方案"}), step
        if WRITE_STEPS.index(step) >= WRITE_STEPS.index("switched"):
            assert got == old | {"新增测试方案"}, step
        else:
            assert got == old, step
        builder(s).update()  # the next run: cleans up and completes
        assert docs(s) == old | {"新增测试方案"} and not leftovers(s), step
        versions = [p for p in Path(s.index_dir).parent.iterdir() if ".v-" in p.name]
        assert len(versions) <= 2 and current_version(s.index_dir) in [v.resolve() for v in versions]
    assert tried == list(WRITE_STEPS)


def test_older_layout_is_migrated_and_an_interrupted_migration_still_loads(built, tmp_path):
    s = built
    old = docs(s)
    plain = tmp_path / "plain"
    shutil.copytree(s.index_dir, plain)  # a plain index folder (the layout before versions)
    s2 = s.replace(index_dir=str(plain))
    assert docs(s2) == old and not Path(s2.index_dir).is_symlink()
    # killed between moving the folder into a version and creating the link: nothing at index_dir
    assert killed_at("link-created", lambda: store.recover(plain)) == 137
    assert not plain.exists() and docs(s2) == old  # the loader takes the newest complete version
    builder(s2).update()
    assert plain.is_symlink() and docs(s2) == old and not leftovers(s2)


def test_a_killed_build_leaves_a_temporary_folder_that_the_next_run_removes(built):
    s = built
    assert killed_at("manifest-written", builder(s).build) == 137
    assert [n for n in leftovers(s) if "building-" in n]
    builder(s).update()
    assert not leftovers(s)

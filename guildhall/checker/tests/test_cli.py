"""Command line: exit codes, jsonl fields, masking, directories, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from guildhall.checker.cli import main

from .helpers import make_docx, make_zip_bomb


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    (tmp_path / "clean.txt").write_text("普通的会议纪要。\n", encoding="utf-8")
    (tmp_path / "pii.txt").write_text(
        "张三 身份证号11010519491231002X 手机13812345678\n", encoding="utf-8"
    )
    return tmp_path


def test_exit_0_when_clean(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(files / "clean.txt")]) == 0
    assert "0 finding(s)" in capsys.readouterr().out


def test_exit_1_and_masked_text_output(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(files / "pii.txt")]) == 1
    out = capsys.readouterr().out
    assert "CN_RESIDENT_ID 1101**********002X" in out
    assert "line 1" in out
    assert "11010519491231002X" not in out and "13812345678" not in out


def test_reveal_shows_values(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--reveal", str(files / "pii.txt")]) == 1
    assert "11010519491231002X" in capsys.readouterr().out


def test_jsonl_fields(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "jsonl", str(files / "pii.txt")]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["type"] for r in records] == ["CN_RESIDENT_ID", "CN_MOBILE"]
    assert set(records[0]) == {
        "path", "type", "start", "end", "detail", "masked", "location", "confidence"
    }  # fmt: skip
    assert "value" not in records[0]
    assert main(["--format", "jsonl", "--reveal", str(files / "pii.txt")]) == 1
    revealed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert revealed[0]["value"] == "11010519491231002X"


def test_jsonl_is_not_ascii_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.txt").write_text("内部资料\n正文\n", encoding="utf-8")
    assert main(["--format", "jsonl", str(tmp_path / "m.txt")]) == 1
    assert "内部资料" in capsys.readouterr().out


def test_types_and_terms(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    terms = files / "terms.txt"
    terms.write_text("星火计划\n\nnebula\n", encoding="utf-8")
    (files / "t.md").write_text("关于星火计划与NEBULA的说明，手机13812345678", encoding="utf-8")
    code = main(["--format", "jsonl", "--types", "CUSTOM_TERM", "--terms", str(terms),
                 str(files / "t.md")])
    assert code == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["type"], r["masked"]) for r in records] == [
        ("CUSTOM_TERM", "星火计划"),
        ("CUSTOM_TERM", "NEBULA"),
    ]
    assert main(["--types", "BOGUS", str(files / "t.md")]) == 2


def test_directory_recursion_and_error_wins(tmp_path: Path, files: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    sub = files / "sub"
    sub.mkdir()
    make_docx(sub / "a.docx")
    make_zip_bomb(sub / "bomb.docx", size_mb=300)
    (sub / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (sub / "ignored.bin").write_bytes(b"13812345678")
    assert main(["--format", "jsonl", str(files)]) == 2
    captured = capsys.readouterr()
    paths = {json.loads(line)["path"] for line in captured.out.splitlines()}
    assert str(sub / "a.docx") in paths and str(files / "pii.txt") in paths
    assert not any(p.endswith("ignored.bin") for p in paths)
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2
    assert any("[zip_bomb]" in e and "bomb.docx" in e for e in errors)
    assert any("[binary]" in e and "bin.txt" in e for e in errors)


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/file.txt"]) == 2
    assert "[missing]" in capsys.readouterr().err


def test_excerpt_masks_neighbouring_values(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("手机13812345678 邮箱zhang.san@example.com", encoding="utf-8")
    assert main([str(tmp_path / "a.txt")]) == 1
    out = capsys.readouterr().out
    assert "zhang.san" not in out and "13812345678" not in out


def test_module_entry_point_does_not_import_django(files: Path) -> None:
    code = (
        "import sys; from guildhall.checker.cli import main; rc = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'django imported'; "
        "assert 'openpyxl' not in sys.modules and 'pdfminer' not in sys.modules; "
        "sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(files / "pii.txt")], capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "guildhall.checker", "--format", "jsonl", str(files / "pii.txt")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and proc.stdout.count("\n") == 2

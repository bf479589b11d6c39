"""Specification of ``python -m nlp themes``: columns, summary, progress and clear errors."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.cli import themes as themes_cli
from tests.nlp.themes.feedback_factory import FILLERS, make_items

ROOT = Path(__file__).resolve().parents[3]


def write_csv(path, header, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def input_csv(tmp_path_factory):
    texts, _ = make_items(25, seed=11)
    rows = [[f"r{i}", t, "x"] for i, t in enumerate(texts + FILLERS[:3])]
    return write_csv(tmp_path_factory.mktemp("cli") / "in.csv", ["rid", "text", "extra"], rows)


def test_end_to_end_writes_theme_columns_and_a_summary(input_csv, tmp_path):
    out, summary = tmp_path / "out.csv", tmp_path / "themes.json"
    proc = subprocess.run(
        [sys.executable, "-m", "nlp", "themes", "--input", str(input_csv), "--text-column",
         "text", "--output", str(out), "--summary", str(summary)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["rid", "text", "extra", "theme_id", "theme_name", "frame_key"]
    assert len(rows) == 128
    themes = json.loads(summary.read_text(encoding="utf-8"))
    by_id = {str(t["id"]): t for t in themes}
    for row in rows:
        assert by_id[row["theme_id"]]["name"] == row["theme_name"]
    assert {"id", "name", "size", "keywords", "quotes", "frame_key", "summary"} <= set(themes[0])
    for row in rows:
        assert by_id[row["theme_id"]]["frame_key"] == row["frame_key"]
    assert sum(t["size"] for t in themes) == 128
    assert "themes over 128 rows" in proc.stdout


def test_explicit_k_and_csv_summary(input_csv, tmp_path):
    out, summary = tmp_path / "out.csv", tmp_path / "themes.csv"
    code = themes_cli.main(["--input", str(input_csv), "--output", str(out), "--k", "3",
                            "--summary", str(summary), "--quiet"])
    assert code == 0
    with summary.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # --k asks for k themes of the texts, all discovered (the contract before the frame).
    assert len([r for r in rows if r["id"] != "0"]) == 3
    assert not [r for r in rows if r["frame_key"]]
    assert list(rows[0]) == ["id", "name", "size", "share", "area", "keywords", "quotes",
                             "frame_key", "summary"]


def test_the_code_frame_comes_first_unless_switched_off(input_csv, tmp_path):
    out, summary = tmp_path / "out.csv", tmp_path / "themes.json"
    assert themes_cli.main(["--input", str(input_csv), "--output", str(out),
                            "--summary", str(summary), "--quiet"]) == 0
    framed = json.loads(summary.read_text(encoding="utf-8"))
    assert [t for t in framed if t["frame_key"]]
    assert themes_cli.main(["--input", str(input_csv), "--output", str(out), "--no-frame",
                            "--summary", str(summary), "--quiet"]) == 0
    plain = json.loads(summary.read_text(encoding="utf-8"))
    assert not [t for t in plain if t["frame_key"]] and len(plain) > 1


def test_long_runs_show_a_progress_bar_on_stderr(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(themes_cli, "PROGRESS_MIN_ROWS", 10)
    texts, _ = make_items(4, seed=12)
    src = write_csv(tmp_path / "in.csv", ["text"], [[t] for t in texts])
    assert themes_cli.main(["--input", str(src), "--output", str(tmp_path / "o.csv")]) == 0
    err = capsys.readouterr().err
    assert "100%" in err and "[" in err


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing_file", "input file not found"),
        ("missing_column", "column 'text' not found in"),
        ("bad_encoding", "cannot read"),
        ("empty_file", "no header row"),
        ("bad_k", "--k must be"),
        ("no_output_folder", "output folder does not exist"),
        ("column_clash", "already has column"),
    ],
)
def test_bad_input_gets_a_clear_error_and_status_2(case, message, tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", ["text"], [["积分兑换太难"], ["广告太多"]])
    out = tmp_path / "out.csv"
    args = ["--input", str(src), "--output", str(out)]
    if case == "missing_file":
        args[1] = str(tmp_path / "nope.csv")
    elif case == "missing_column":
        write_csv(src, ["body"], [["积分"]])
    elif case == "bad_encoding":
        write_csv(src, ["text"], [["积分兑换太难了"]], encoding="gbk")
    elif case == "empty_file":
        src.write_text("", encoding="utf-8")
    elif case == "bad_k":
        args += ["--k", "0"]
    elif case == "no_output_folder":
        args[3] = str(tmp_path / "missing" / "out.csv")
    elif case == "column_clash":
        write_csv(src, ["text", "theme_id"], [["积分", "1"]])
    assert themes_cli.main(args) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_themes_is_registered_next_to_the_sentiment_commands():
    from nlp.cli import COMMANDS, get_command

    assert COMMANDS["themes"] == "nlp.cli.themes"
    assert get_command("themes") is themes_cli
    assert {"sentiment", "themes"} <= set(COMMANDS)


def test_generated_names_cannot_smuggle_spreadsheet_formulas():
    assert themes_cli._safe_cell("=cmd|'/c calc'!A1").startswith("'")
    assert themes_cli._safe_cell("积分·兑换") == "积分·兑换"

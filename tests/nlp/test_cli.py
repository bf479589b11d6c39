"""``python -m nlp``: the sentiment and train-sentiment commands, end to end on temp CSVs."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.cli import COMMANDS, main
from nlp.sentiment import save_model

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model_file(small_model, tmp_path_factory):
    return save_model(small_model, tmp_path_factory.mktemp("cli") / "model.joblib")


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_sentiment_command_adds_label_and_score(tmp_path, model_file, capsys):
    src = write(tmp_path / "in.csv", [["id", "text"], ["1", "这次活动非常棒"],
                                      ["2", "小程序经常卡顿"], ["3", ""], ["4", "无"]])
    out = tmp_path / "out.csv"
    code = main(["sentiment", "--input", str(src), "--output", str(out),
                 "--model", str(model_file)])
    assert code == 0
    rows = read(out)
    assert list(rows[0]) == ["id", "text", "label", "score"]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["label"] for r in rows] == ["1", "-1", "0", "0"]
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    err = capsys.readouterr().err
    assert "100.0%" in err and "wrote 4 rows" in err


def test_other_text_column_and_bom_input(tmp_path, model_file):
    src = tmp_path / "bom.csv"
    src.write_text("评论,备注\n活动很好,x\n", encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    assert main(["sentiment", "--input", str(src), "--text-column", "评论", "--output", str(out),
                 "--model", str(model_file), "--quiet"]) == 0
    assert read(out)[0]["label"] == "1"


def test_missing_column_is_a_clear_error(tmp_path, model_file, capsys):
    src = write(tmp_path / "in.csv", [["body"], ["好"]])
    code = main(["sentiment", "--input", str(src), "--output", str(tmp_path / "o.csv"),
                 "--model", str(model_file)])
    assert code == 2
    err = capsys.readouterr().err
    assert "column 'text' not found" in err and "body" in err
    assert not (tmp_path / "o.csv").exists()


def test_missing_or_unreadable_input_is_a_clear_error(tmp_path, model_file, capsys):
    assert main(["sentiment", "--input", str(tmp_path / "nope.csv"), "--output",
                 str(tmp_path / "o.csv"), "--model", str(model_file)]) == 2
    assert "input file not found" in capsys.readouterr().err
    bad = tmp_path / "latin.csv"
    bad.write_bytes("text\n".encode() + "caf\xe9".encode("latin-1") + b"\n")
    assert main(["sentiment", "--input", str(bad), "--output", str(tmp_path / "o.csv"),
                 "--model", str(model_file)]) == 2
    assert "UTF-8" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert main(["sentiment", "--input", str(empty), "--output", str(tmp_path / "o.csv"),
                 "--model", str(model_file)]) == 2
    assert "no header" in capsys.readouterr().err


def test_existing_label_column_is_not_overwritten(tmp_path, model_file, capsys):
    src = write(tmp_path / "in.csv", [["text", "label"], ["好", "1"]])
    assert main(["sentiment", "--input", str(src), "--output", str(tmp_path / "o.csv"),
                 "--model", str(model_file)]) == 2
    assert "--label-column" in capsys.readouterr().err
    out = tmp_path / "o.csv"
    assert main(["sentiment", "--input", str(src), "--output", str(out), "--model",
                 str(model_file), "--label-column", "pred", "--score-column", "p",
                 "--quiet"]) == 0
    assert list(read(out)[0]) == ["text", "label", "pred", "p"]


def test_missing_model_file_is_a_clear_error(tmp_path, capsys):
    src = write(tmp_path / "in.csv", [["text"], ["好"]])
    assert main(["sentiment", "--input", str(src), "--output", str(tmp_path / "o.csv"),
                 "--model", str(tmp_path / "none.joblib")]) == 2
    assert "train-sentiment" in capsys.readouterr().err


def test_unwritable_output_is_a_clear_error(tmp_path, model_file, capsys):
    src = write(tmp_path / "in.csv", [["text"], ["好"]])
    code = main(["sentiment", "--input", str(src), "--output",
                 str(tmp_path / "no" / "such" / "dir" / "o.csv"), "--model", str(model_file),
                 "--quiet"])
    assert code == 2
    assert "cannot write output file" in capsys.readouterr().err


@pytest.mark.slow
def test_train_command_leaves_a_current_model_alone(default_model_path, capsys):
    assert main(["train-sentiment", "--output", str(default_model_path)]) == 0
    assert "up to date" in capsys.readouterr().err


def test_help_lists_every_registered_command():
    out = subprocess.run([sys.executable, "-m", "nlp", "--help"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    for name in COMMANDS:
        assert name in out


def test_unknown_command_exits_non_zero():
    proc = subprocess.run([sys.executable, "-m", "nlp", "frobnicate"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "invalid choice" in proc.stderr

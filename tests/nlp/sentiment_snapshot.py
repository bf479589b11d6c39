"""Write the clause-level snapshot that ``test_sentiment_snapshot`` compares against.

Run ``python -m tests.nlp.sentiment_snapshot`` after a deliberate change of the shipped model
or of its scoring (a rebuilt ``nlp/models/sentiment-3.npz``); a refactor of the scoring code
must leave the snapshot as it is.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "data" / "sentiment_clauses.json"
EXTRA_TEXTS = [
    "活动很好玩，但是群里广告太多",
    "不太满意，回复太慢了。不过老师讲得还行",
    "",
    "好",
    "。。。",
    "Keng die，包装太out了",
    "真的不是很好，但是也不差，就是有点贵",
    "好辛苦啊，为啥又改时间了？？",
    "真是“稳定”呢[微笑]，能不能别再卡了",
    "一点都不卡了，不能再好了",
    "周四的直播课卡得不行…画面一直转圈",
    "老师很专业，但是每次都拖堂，辛苦运营了",
]


def snapshot_texts() -> list[str]:
    """The fixed texts: the community corpus's held-out split plus hand-picked hard cases."""
    from nlp.community_corpus import load_rows

    return [r.text for r in load_rows("test")] + EXTRA_TEXTS


def model_digest() -> str:
    """SHA-256 of the shipped model file the snapshot was taken with."""
    from nlp.sentiment import shipped_model_path

    return hashlib.sha256(Path(shipped_model_path()).read_bytes()).hexdigest()


def results(model, texts: list[str]) -> list[dict]:
    """Label, score, P(class) and every clause (text, label, score, aspects) of each text."""
    out, proba = model.predict_many_with_proba(texts)
    return [
        {"label": r.label, "score": round(r.score, 9), "proba": [round(p, 9) for p in row],
         "clauses": [[c.text, c.label, round(c.score, 9), list(c.aspects)] for c in r.clauses]}
        for r, row in zip(out, proba.tolist(), strict=True)
    ]


def main() -> None:
    """Score the fixed texts with the shipped model and write the snapshot."""
    from nlp.sentiment import load_model, shipped_model_path

    texts = snapshot_texts()
    payload = {"model_sha256": model_digest(), "texts": texts,
               "results": results(load_model(shipped_model_path()), texts)}
    SNAPSHOT.write_text(json.dumps(payload, ensure_ascii=False, indent=0) + "\n",
                        encoding="utf-8")
    print(f"wrote {SNAPSHOT} ({len(texts)} texts)")


if __name__ == "__main__":
    main()

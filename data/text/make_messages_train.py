#!/usr/bin/env python3
"""Builds data/text/messages_train.csv: full messages whose first-level category is known.

A message is kept when
  - it is in messages_labeled_train.csv with one of the 7 labels of titles_train.csv (its own label;
    dropped when titles_train.csv labels the same title differently), or
  - it is in messages_unlabeled.csv, messages_with_likes.csv or messages_with_replies.csv and its
    title is a title of titles_train.csv (the label comes from there).
Columns: label, title, text (the message body). Each title appears once. The classifier uses the
rows as extra training text, and cross-validation only ever adds a row when its title is not in the
held-out fold.

Usage: data/text/make_messages_train.py [SHARED_DATA_DIR] > data/text/messages_train.csv
"""
import csv
import os
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/teddy2020"


def rows(name):
    with open(os.path.join(src, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


titles = {r["title"]: r["label"] for r in rows("titles_train.csv")}
labels = set(titles.values())
out = {}
for r in rows("messages_labeled_train.csv"):
    title, label = r["留言主题"], r["一级分类"]
    if label in labels and titles.get(title, label) == label and r["留言详情"].strip():
        out.setdefault(title, (label, r["留言详情"]))
for name in ("messages_unlabeled.csv", "messages_with_likes.csv", "messages_with_replies.csv"):
    for r in rows(name):
        title = r["留言主题"]
        if title in titles and r["留言详情"].strip():
            out.setdefault(title, (titles[title], r["留言详情"]))
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["label", "title", "text"])
for title in sorted(out):
    label, text = out[title]
    w.writerow([label, title, text.strip()])

#!/usr/bin/env python3
"""Labels from the department that answered: an experiment for the title classifier.

The official replies of messages_with_replies.csv often name the department that handled the
message (市教育局, 市人社局 …). Each department family below stands for one of the 7 first-level
categories; a message whose reply (first N characters) names exactly one family gets that label.
Writes data/text/messages_train.csv plus these messages (title + body) as a supplements CSV for
`civicgrid text cross-validate --extra`, and prints how often the rule agrees with the true label
of the messages whose title is a training title. Figures: bench/RESULTS.md, "Title classifier:
neighbours, word vectors and reply departments".

Usage: bench/text_reply_departments.py SHARED_DATA_DIR OUT.csv [N=300]
"""
import csv
import collections
import sys

FAMILIES = {
    '教育文体': ['教育局', '教育厅', '教育体育局', '教体局', '文体局', '文化局', '体育局', '文旅', '文广'],
    '劳动和社会保障': ['人社局', '人社厅', '人力资源和社会保障', '社保局', '社保中心', '医保局', '医疗保障局',
                '劳动保障'],
    '交通运输': ['交通运输局', '交通局', '公路局', '交通厅', '运管', '公路管理局', '交通运输厅', '邮政管理局'],
    '环境保护': ['环保局', '环境保护局', '生态环境局', '生态环境厅', '环保厅'],
    '城乡建设': ['住建局', '住建委', '房产局', '城管局', '规划局', '住房和城乡建设', '城乡建设局', '城乡规划局',
             '不动产登记', '住房保障', '房屋交易', '住房公积金管理中心', '市政局', '自来水公司'],
    '卫生计生': ['卫生局', '卫计委', '卫健委', '卫生健康委', '卫生和计划生育', '卫计局', '卫健局', '疾控中心'],
    '商贸旅游': ['工商局', '商务局', '市场监督管理局', '市场监管局', '物价局', '旅游局', '质监局', '食药监',
             '食品药品监督'],
}


def main():
    shared, out_path = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    with open(f'{shared}/titles_train.csv', encoding='utf-8') as f:
        train = {r['title'].strip(): r['label'] for r in csv.DictReader(f)}
    with open('data/text/messages_train.csv', encoding='utf-8') as f:
        base = list(csv.DictReader(f))
    have = {r['title'] for r in base}
    added, agree = collections.Counter(), collections.Counter()
    with open(out_path, 'w', newline='', encoding='utf-8') as out_file:
        out = csv.writer(out_file)
        out.writerow(['label', 'title', 'text'])
        for r in base:
            out.writerow([r['label'], r['title'], r['text']])
        with open(f'{shared}/messages_with_replies.csv', encoding='utf-8') as f:
            for r in csv.DictReader(f):
                title = r['留言主题'].strip()
                reply = r['答复意见'][:n]
                hits = {label for label, names in FAMILIES.items() if any(k in reply for k in names)}
                if len(hits) != 1:
                    continue
                label = hits.pop()
                if title in train:
                    agree[train[title] == label] += 1
                if title in have:
                    continue
                added[label] += 1
                out.writerow([label, r['留言主题'], r['留言详情']])
    print(f'added {sum(added.values())} messages: {dict(added)}')
    print(f'agreement with the training labels: {agree[True]} of {agree[True] + agree[False]}')


if __name__ == '__main__':
    main()

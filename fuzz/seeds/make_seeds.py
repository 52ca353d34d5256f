#!/usr/bin/env python3
"""Small seed files for the fuzz targets that no committed fixture covers (needs openpyxl).

Run from anywhere: python3 fuzz/seeds/make_seeds.py. Writes, next to this script:
  staff.csv           a staff list (人员名单) with English headers, 3 people of the demo site
  staff.xlsx          the same list with Chinese headers, sheet 人员名单
  call-history.xlsx   the first 48 half-hours of data/demo/call-history.csv as a workbook
  call-history.ods    3 header cells and one row of it as OpenDocument (calamine opens it too)
The outputs are committed; fuzz/seed.sh copies them into fuzz/corpus/.
"""
import csv
import os
import zipfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

EN = ["id", "name", "roles", "team", "reserve", "shifts", "working_days_only", "position",
      "grade", "id_type", "id_number", "bank", "bank_account", "hired_on", "left_on"]
ZH = ["工号", "姓名", "角色", "班组", "预备人员", "可上班次", "仅工作日", "薪酬岗位", "薪级",
      "证件类型", "证件号码", "开户银行", "银行账号", "入职日期", "离职日期"]
ROWS = [
    ["M001", "王海燕", "manager", "", "no", "D", "yes", "manager", "1", "居民身份证",
     "11010519491231002X", "招商银行海口分行", "6214833105792116", "2026-01-01", ""],
    ["T001", "赵晓东", "班长、话务员", "1", "否", "", "否", "team_leader", "1", "身份证",
     "460400199412280028", "中国工商银行儋州分行", "6222024180771449671", "2026/1/1", ""],
    ["A001", "陈静", "话务员", "2", "是", "A/P", "否", "agent", "2", "",
     "46040019871018737X", "中国银行儋州分行", "6217856300012345678", "2026年1月5日",
     "2026-12-31"],
]


def main():
    with open(os.path.join(HERE, "staff.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(EN)
        w.writerows(ROWS)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员名单"
    ws.append(ZH)
    for r in ROWS:
        ws.append(r)
    wb.save(os.path.join(HERE, "staff.xlsx"))

    with open(os.path.join(ROOT, "data/demo/call-history.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))[:49]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "话务历史"
    ws.append(rows[0])
    for r in rows[1:]:
        ws.append([r[0], r[1]] + [float(x) if x else None for x in r[2:]])
    wb.save(os.path.join(HERE, "call-history.xlsx"))

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in r[:3]) + "</table:table-row>"
        for r in rows[:2])
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Sheet1">{body}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(os.path.join(HERE, "call-history.ods"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)


if __name__ == "__main__":
    main()

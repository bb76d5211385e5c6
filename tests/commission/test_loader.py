"""Volume upload: CSV and XLSX, all or nothing, errors row by row with the row numbers a person sees in
the file (header = row 1), Chinese messages, only channels in the uploader's scope."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from commission.loader import volumes_import
from commission.models import MonthlyVolume, VolumeImport
from governance.errors import NotAllowed
from tests.api.conftest import is_chinese

from .conftest import add_volumes, make_channel, person

HEADER = "node_code,month,business,quantity,amount"
GOOD = [["ZZ-JS-0002", "2026-10", "new_number", "12", ""], ["ZZ-JS-0002", "2026-10", "top_up", "300", "15000.50"],
        ["ZZ-ZY-0001", "2026-10", "handset", "4", "0"]]


def csv_file(rows, header=HEADER, encoding="utf-8", name="volumes.csv"):
    text = "\n".join([header, *(",".join(map(str, row)) for row in rows)]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, header=HEADER.split(","), name="volumes.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(date(2026, 11, 25), tick=False):
        yield


def test_a_good_csv_is_imported_with_who_and_when(demo):
    result = volumes_import(user=person("zz_support"), file=csv_file(GOOD))
    assert result == {"imported": 3, "errors": [], "error_count": 0}
    top_up = MonthlyVolume.objects.get(business="top_up")
    assert (top_up.channel.node_code, top_up.month, top_up.quantity, top_up.amount) == (
        "ZZ-JS-0002", date(2026, 10, 1), 300, Decimal("15000.50"))
    batch = VolumeImport.objects.get()
    assert (batch.imported_by.username, batch.imported_post, batch.rows, batch.months, batch.file_name) == (
        "zz_support", "分公司业务支援中心", 3, "2026-10", "volumes.csv")
    assert set(MonthlyVolume.objects.values_list("batch_id", flat=True)) == {batch.pk}


def test_a_row_for_an_existing_key_replaces_it(demo):
    channel = make_channel("ZZ-JS-L001")
    add_volumes(channel, month=date(2026, 10, 1), new_number=5, handset=2)
    result = volumes_import(user=person("zz_manager"), file=csv_file([["ZZ-JS-L001", "2026-10", "new_number", 7, ""]]))
    assert result["imported"] == 1
    assert dict(channel.volumes.values_list("business", "quantity")) == {"new_number": 7, "handset": 2}


def test_one_bad_row_and_nothing_is_imported_each_bad_row_named(demo):
    make_channel("LY-LL-L002", unit="LY-LL")
    rows = [
        GOOD[0],
        ["ZZ-XX-9999", "2026-10", "new_number", "1", ""],  # row 3: unknown
        ["LY-LL-L002", "2026-10", "new_number", "1", ""],  # row 4: exists, outside the uploader's scope
        ["ZZ-JS-0002", "2026-13", "handset", "-1", "1.234"],  # row 5: three problems at once
        ["ZZ-JS-0002", "2026-10", "sms", "1.5", ""],  # row 6
        ["", "", "", "", ""],  # row 7: blank, skipped but counted
        ["ZZ-JS-0002", "2026-10", "top_up", "1", ""],  # row 8: top-up without an amount
        ["ZZ-JS-0002", "2026-10", "new_number", "3", ""],  # row 9: same key as row 2
        ["ZZ-ZY-0002", "2026-10", "new_number", "3", ""],  # row 10: a draft channel
        ["ZZ-JS-0002", "2026-12", "new_number", "3", ""],  # row 11: a month not over yet
    ]
    result = volumes_import(user=person("zz_manager"), file=csv_file(rows))
    assert result["imported"] == 0 and result["error_count"] == 8
    assert [e["row"] for e in result["errors"]] == [3, 4, 5, 6, 8, 9, 10, 11]
    messages = {e["row"]: e["message"] for e in result["errors"]}
    assert messages[3] == "第3行:节点代码“ZZ-XX-9999”不存在或不在您的数据范围内。"
    assert messages[4] == "第4行:节点代码“LY-LL-L002”不存在或不在您的数据范围内。"
    assert messages[5] == "第5行:月份“2026-13”无效:月份应在 01 至 12 之间;数量不能为负数;金额最多保留2位小数。"
    assert "业务“sms”无效" in messages[6] and "数量“1.5”不是整数" in messages[6]
    assert messages[8] == "第8行:充值缴费须填写金额(元)。"
    assert messages[9] == "第9行:与第2行重复(同一渠道、月份、业务)。"
    assert messages[10] == "第10行:渠道“ZZ-ZY-0002”尚未审批开通,不能有业务量。"
    assert messages[11] == "第11行:月份 2026-12 尚未结束,不能导入。"
    assert all(is_chinese(e["message"]) for e in result["errors"])
    assert not MonthlyVolume.objects.exists() and not VolumeImport.objects.exists()


def test_xlsx_rows_are_numbered_as_excel_shows_them(demo):
    rows = [["ZZ-JS-0002", "2026-10", "new_number", 12, None], [None] * 5,
            ["ZZ-JS-0002", date(2026, 10, 1), "宽带新装", 3.0, 0], ["ZZ-JS-0002", "2026-10", "handset", 2.5, 0]]
    result = volumes_import(user=person("zz_manager"), file=xlsx_file(rows))
    assert result["errors"] == [{"row": 5, "message": "第5行:数量“2.5”不是整数。"}]
    assert not MonthlyVolume.objects.exists()
    result = volumes_import(user=person("zz_manager"), file=xlsx_file(rows[:3]))
    assert result["imported"] == 2
    assert dict(MonthlyVolume.objects.values_list("business", "quantity")) == {"new_number": 12, "broadband": 3}


def test_gbk_csv_and_chinese_header(demo):
    result = volumes_import(user=person("zz_manager"), file=csv_file(
        [["ZZ-JS-0002", "2026-10", "新号码放号", "3", ""]], header="节点代码,月份,业务,数量,金额", encoding="gbk"))
    assert result["imported"] == 1 and MonthlyVolume.objects.get().business == "new_number"


@pytest.mark.parametrize("upload, expected", [
    (csv_file([], header=""), "文件为空"),
    (csv_file(GOOD, header="node,month,business,quantity,amount"), "第1行应为表头 node_code,month,business,quantity,amount"),
    (SimpleUploadedFile("v.xlsx", b"PK\x03\x04not really a zip"), "无法读取该Excel文件"),
    (SimpleUploadedFile("v.xls", b"\xd0\xcf\x11\xe0 old excel"), "无法读取该Excel文件"),
    (SimpleUploadedFile("v.csv", HEADER.encode() + b'\nZZ-JS-0002,"' + b"x" * 200_000 + b'",a,1,\n'), "CSV 文件格式有误"),
    (SimpleUploadedFile("v.csv", b""), "文件为空"),
])
def test_an_unreadable_file_is_refused_whole(demo, upload, expected):
    with pytest.raises(ValidationError) as caught:
        volumes_import(user=person("zz_manager"), file=upload)
    assert expected in " ".join(caught.value.message_dict["file"])
    assert not MonthlyVolume.objects.exists()


def test_a_header_without_rows_is_an_error(demo):
    result = volumes_import(user=person("zz_manager"), file=csv_file([]))
    assert result == {"imported": 0, "errors": [{"row": 2, "message": "第2行:文件中没有数据行。"}], "error_count": 1}


def test_who_may_load(demo):
    for username in ("auditor", "zz_leader", "zz_outbound", "prov_marketing"):
        with pytest.raises(NotAllowed):
            volumes_import(user=person(username), file=csv_file(GOOD))
    # the province support centre loads any city's channels; a Luoyang manager none of Zhengzhou's
    assert volumes_import(user=person("prov_support"), file=csv_file(GOOD))["imported"] == 3
    assert volumes_import(user=person("ly_manager"), file=csv_file(GOOD))["error_count"] == 3


def test_the_error_list_is_capped_but_counted(demo):
    rows = [["NOPE", "2026-10", "new_number", "1", ""]] * 600
    result = volumes_import(user=person("zz_manager"), file=csv_file(rows))
    assert result["error_count"] == 600 and len(result["errors"]) == 500 and result["errors"][-1]["row"] == 501


def test_a_channel_with_volumes_cannot_be_deleted(demo):
    """The volume table has no database FK (see MonthlyVolume.channel); PROTECT still guards deletion."""
    channel = make_channel("ZZ-JS-L009")
    add_volumes(channel, month=date(2026, 10, 1), handset=1)
    with pytest.raises(ProtectedError):
        channel.delete()
    assert MonthlyVolume.objects.filter(channel_id=channel.pk).exists()

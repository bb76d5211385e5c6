"""Monthly business-volume upload (业务量导入): CSV or XLSX with the header
`node_code,month,business,quantity,amount`, checked row by row, imported all or nothing.

Row numbers are as a person counts them in the file: the header is row 1. A node code outside the
uploader's scope is reported exactly like an unknown one. A row for an existing (channel, month, business)
replaces it. On PostgreSQL the rows go in through COPY into a temporary table and one INSERT … ON CONFLICT;
on SQLite through batched upserts.
"""
import csv
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl import load_workbook

from governance import posts
from governance.errors import Conflict, NotAllowed
from governance.models import Channel
from governance.selectors import assignments_of

from .models import Business, MonthlyVolume, VolumeImport
from .months import month_text, parse_month

HEADER = ("node_code", "month", "business", "quantity", "amount")
HEADER_ALIASES = {"节点代码": "node_code", "月份": "month", "业务": "business", "业务类型": "business",
                  "数量": "quantity", "金额": "amount"}
LOADERS = {posts.CHANNEL_MANAGER, posts.CHANNEL_SUPERVISOR, posts.CITY_SUPPORT, posts.PROVINCE_SUPPORT, posts.ADMIN}
MAX_BYTES = 200 * 1024 * 1024
MAX_LISTED_ERRORS = 500
MAX_QUANTITY = 10_000_000
MAX_AMOUNT = Decimal("1000000000.00")
CENT = Decimal("0.01")
NOT_OPEN = (Channel.Status.DRAFT, Channel.Status.PENDING)
BUSINESS_CODES = {**{b.value: b.value for b in Business}, **{b.label: b.value for b in Business}}
SQLITE_BATCH = 5000
PLAIN_AMOUNT = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")  # below MAX_AMOUNT, at most 2 decimals
COPY_CHUNK = 50_000
ANALYZE_ABOVE = 100_000


class RowError(Exception):
    pass


# ---------------------------------------------------------------- reading the file

def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": "无法识别文件编码,请保存为 UTF-8 或 GBK 编码的 CSV。"})


def _csv_rows(data: bytes):
    return csv.reader(io.StringIO(_decode(data), newline=""))


def _xlsx_rows(data: bytes):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield ["" if c is None else c for c in cells]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise ValidationError({"file": "无法读取该Excel文件,请确认是 .xlsx 格式且未损坏。"}) from exc


def _rows(file):
    """(row number, cells) of every non-empty row, header included, as the file numbers them."""
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError({"file": f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB。"})
    data = file.read()
    if not data:
        raise ValidationError({"file": "文件为空。"})
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data)
    elif name.lower().endswith((".xlsx", ".xls")):
        raise ValidationError({"file": "无法读取该Excel文件,请上传 .xlsx 格式或 CSV 文件。"})
    else:
        rows = _csv_rows(data)
    try:
        for number, cells in enumerate(rows, 1):
            if cells and (_text(cells[0]) or any(_text(c) for c in cells)):
                yield number, cells
    except csv.Error as exc:
        raise ValidationError({"file": "CSV 文件格式有误(如字段过长或引号不匹配),无法读取。"}) from exc


def _check_header(number: int, cells) -> None:
    names = [HEADER_ALIASES.get(str(c).strip(), str(c).strip().lower()) for c in cells]
    while names and names[-1] == "":
        names.pop()
    if number != 1 or tuple(names) != HEADER:
        raise ValidationError({"file": f"第{number}行应为表头 {','.join(HEADER)},实际为 {','.join(map(str, cells))[:200]}。"})


# ---------------------------------------------------------------- checking one row

def _text(value) -> str:
    return value.strip() if type(value) is str else str(value).strip()


def _quantity(value) -> int:
    text = _text(value)
    if text.isascii() and text.isdigit():
        number = int(text)
    elif text == "":
        raise RowError("数量不能为空")
    else:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise RowError(f"数量“{text[:20]}”不是整数")
        if not number.is_finite() or number != number.to_integral_value():
            raise RowError(f"数量“{text[:20]}”不是整数")
        number = int(number)
    if number < 0:
        raise RowError("数量不能为负数")
    if number > MAX_QUANTITY:
        raise RowError(f"数量不能超过 {MAX_QUANTITY}")
    return number


def _amount(value, business: str | None) -> str:
    """The amount as the database takes it ("12.50"); the common plain forms skip Decimal altogether."""
    text = _text(value)
    if PLAIN_AMOUNT.fullmatch(text):
        return text
    if text == "":
        if business == Business.TOP_UP:
            raise RowError("充值缴费须填写金额(元)")
        return "0"
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise RowError(f"金额“{text[:20]}”不是数字")
    if not number.is_finite():
        raise RowError(f"金额“{text[:20]}”不是数字")
    if number < 0:
        raise RowError("金额不能为负数")
    if number > MAX_AMOUNT:
        raise RowError(f"金额不能超过 {MAX_AMOUNT}")
    if number != number.quantize(CENT):
        raise RowError("金额最多保留2位小数")
    return str(number.quantize(CENT))


class RowChecker:
    """Checks rows against the channels the uploader may load; remembers keys to refuse duplicates.
    A good row becomes (channel id, month as YYYY-MM-01, business code, quantity, amount text)."""

    def __init__(self, channels: dict, this_month):
        self.channels, self.this_month = channels, this_month
        self.months, self.seen = {}, {}

    def month(self, value):
        """'2026-10' → '2026-10-01', or a RowError; cached per distinct cell value."""
        month = self.months.get(value)
        if month is None:
            try:
                day = parse_month(value)
                month = day.isoformat() if day <= self.this_month else RowError(
                    f"月份 {month_text(day)} 尚未结束,不能导入")
            except ValidationError as exc:
                month = RowError(f"月份“{_text(value)[:20]}”无效:{exc.messages[0].rstrip('。')}")
            self.months[value] = month
        return month

    def _channel(self, value, problems: list):
        node_code = _text(value)
        channel = self.channels.get(node_code)
        if channel is None:
            problems.append(f"节点代码“{node_code[:40]}”不存在或不在您的数据范围内" if node_code else "节点代码不能为空")
        elif channel[1] in NOT_OPEN:
            problems.append(f"渠道“{node_code}”尚未审批开通,不能有业务量")
            channel = None
        return channel

    def check(self, number: int, cells) -> tuple:
        if len(cells) < 5:
            cells = list(cells) + [""] * (5 - len(cells))
        problems = []
        channel = self._channel(cells[0], problems)
        month = self.month(cells[1])
        if isinstance(month, RowError):
            problems.append(str(month))
        business = BUSINESS_CODES.get(cells[2]) or BUSINESS_CODES.get(_text(cells[2]))
        if business is None:
            problems.append(f"业务“{_text(cells[2])[:20]}”无效,应为 {'、'.join(Business.values)} 之一")
        quantity = amount = None
        try:
            quantity = _quantity(cells[3])
        except RowError as exc:
            problems.append(str(exc))
        try:
            amount = _amount(cells[4], business)
        except RowError as exc:
            problems.append(str(exc))
        if not problems:
            key = (channel[0], month, business)
            first = self.seen.setdefault(key, number)
            if first != number:
                problems.append(f"与第{first}行重复(同一渠道、月份、业务)")
        if problems:
            raise RowError(";".join(problems) + "。")
        return channel[0], month, business, quantity, amount


# ---------------------------------------------------------------- who may load which channels

def _loader_channels(user) -> dict:
    """node_code → (channel id, status) of the channels under the units where the user holds a loader post."""
    if user.is_superuser:
        queryset = Channel.objects.all()
    else:
        paths = sorted({a.org_unit.path for a in assignments_of(user) if a.post.code in LOADERS})
        if not paths:
            raise NotAllowed("您的岗位无权导入业务量。")
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(org_unit__path__startswith=path)
        queryset = Channel.objects.filter(within)
    return {code: (pk, status) for code, pk, status in queryset.values_list("node_code", "pk", "status").iterator()}


# ---------------------------------------------------------------- writing

INSERT = ("INSERT INTO {table} (channel_id, month, business, quantity, amount, batch_id) {source}")
UPSERT = (" ON CONFLICT (month, channel_id, business) DO UPDATE SET quantity = excluded.quantity, "
          "amount = excluded.amount, batch_id = excluded.batch_id")


def _write_postgresql(rows: list[tuple], batch_id: int, months: list[str]) -> None:
    """COPY into a temporary table, then one plain INSERT. When the file's months already hold rows (a
    reload), the rows it replaces are deleted first in one statement: much faster than ON CONFLICT … DO
    UPDATE row by row. A concurrent load of the same keys then fails on the unique index (IntegrityError)."""
    table = MonthlyVolume._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE volume_load (channel_id bigint, month date, business varchar(24), "
                       "quantity integer, amount numeric(14, 2)) ON COMMIT DROP")
        with cursor.cursor.copy("COPY volume_load FROM STDIN") as copy:
            for start in range(0, len(rows), COPY_CHUNK):
                copy.write("".join(["%d\t%s\t%s\t%d\t%s\n" % row for row in rows[start:start + COPY_CHUNK]]))
        # what a foreign key would do row by row, once: the channels cannot be deleted under the load
        cursor.execute(f"SELECT id FROM {Channel._meta.db_table} WHERE id IN (SELECT DISTINCT channel_id "
                       "FROM volume_load) FOR KEY SHARE")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE month = ANY(%s::date[]))", [months])
        if cursor.fetchone()[0]:
            cursor.execute(f"DELETE FROM {table} t USING volume_load l WHERE t.month = l.month "
                           "AND t.channel_id = l.channel_id AND t.business = l.business")
        source = "SELECT channel_id, month, business, quantity, amount, %s FROM volume_load"
        cursor.execute(INSERT.format(table=table, source=source), [batch_id])
        cursor.execute("DROP TABLE volume_load")
        if len(rows) >= ANALYZE_ABOVE:
            cursor.execute(f"ANALYZE {table}")  # the estimate's plan needs the new month in the statistics


def _write_sqlite(rows: list[tuple], batch_id: int, months: list[str]) -> None:
    sql = INSERT.format(table=MonthlyVolume._meta.db_table, source="VALUES (%s, %s, %s, %s, %s, %s)") + UPSERT
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SQLITE_BATCH):
            cursor.executemany(sql, [(*row, batch_id) for row in rows[start:start + SQLITE_BATCH]])


# ---------------------------------------------------------------- the service

def _check_all(user, file):
    rows, errors = [], []
    lines = _rows(file)
    first = next(lines, None)
    if first is None:
        raise ValidationError({"file": "文件为空。"})
    _check_header(*first)
    checker = RowChecker(_loader_channels(user), timezone.localdate().replace(day=1))
    error_count = 0
    for number, cells in lines:
        try:
            rows.append(checker.check(number, cells))
        except RowError as exc:
            error_count += 1
            if len(errors) < MAX_LISTED_ERRORS:
                errors.append({"row": number, "message": f"第{number}行:{exc}"})
    return rows, errors, error_count


def volumes_import(*, user, file) -> dict:
    """Load a CSV/XLSX of monthly volumes → {"imported": n, "errors": [{"row", "message"}], "error_count"}.
    Any bad row and nothing is imported (imported 0, every bad row listed up to MAX_LISTED_ERRORS).
    A file that cannot be read at all raises ValidationError({"file": ...}); a user without a loader post
    NotAllowed."""
    if not user.is_superuser and not any(a.post.code in LOADERS for a in assignments_of(user)):
        raise NotAllowed("您的岗位无权导入业务量。")
    rows, errors, error_count = _check_all(user, file)
    if not error_count and not rows:
        errors, error_count = [{"row": 2, "message": "第2行:文件中没有数据行。"}], 1
    if error_count:
        return {"imported": 0, "errors": errors, "error_count": error_count}
    try:
        _write(user, file, rows)
    except IntegrityError:  # another upload of the same channels and months committed first
        raise Conflict("同一渠道、月份的业务量正在被他人导入,请稍后重试。")
    return {"imported": len(rows), "errors": [], "error_count": 0}


@transaction.atomic
def _write(user, file, rows: list[tuple]) -> None:
    """The import record (who, post, when, file, months) and the rows, in one transaction."""
    months = sorted({row[1] for row in rows})
    batch = VolumeImport.objects.create(
        imported_by=user, file_name=(getattr(file, "name", "") or "")[:200], rows=len(rows),
        imported_post=next((a.post.name for a in assignments_of(user) if a.post.code in LOADERS), ""),
        months="、".join(m[:7] for m in months)[:200])
    (_write_postgresql if connection.vendor == "postgresql" else _write_sqlite)(rows, batch.pk, months)

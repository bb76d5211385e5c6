"""The working calendar (工作日历): holidays and make-up working days (调休) as data; weekends are rest days
unless listed as working days."""
from django.db import models
from simple_history.models import HistoricalRecords


class CalendarDay(models.Model):
    day = models.DateField("日期", unique=True)
    workday = models.BooleanField("是否工作日", default=False, help_text="节假日不勾选;周末调休上班勾选。")
    name = models.CharField("名称", max_length=32, blank=True, help_text="如 国庆节、春节调休。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "工作日历"
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name or ('工作日' if self.workday else '休息日')}"

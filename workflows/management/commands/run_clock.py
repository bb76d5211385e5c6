"""What beat runs, once, for the embedded default without a broker (scripts/run.sh calls it every minute)."""
from django.conf import settings
from django.core.management.base import BaseCommand

from config.celery import app


class Command(BaseCommand):
    help = "运行一次定时任务(无消息队列时代替 Celery beat):到期变更、空岗转派、期限提醒与超时处理、报备异议期、证书到期提醒。"

    def handle(self, *args, **options):
        app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            result = app.tasks[entry["task"]].apply().get()
            self.stdout.write(f"{name}: {result}")

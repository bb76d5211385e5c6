"""Send the due certificate expiry reminders now (what the daily beat task does); safe to run often."""
from django.core.management.base import BaseCommand

from governance.outbound import certificate_reminders_send


class Command(BaseCommand):
    help = "发送外呼资格证书到期提醒(到期前30天、7天,各一次)。"

    def handle(self, *args, **options):
        sent = certificate_reminders_send()
        self.stdout.write(f"已发送 {sent} 条到期提醒。")

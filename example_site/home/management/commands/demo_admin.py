from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "b52-demo-admin"  # noqa: S105  (demo only, refused unless DEBUG)


class Command(BaseCommand):
    help = "Create the demo's admin user and print its credentials (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_admin only runs with DEBUG = True.")
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=USERNAME, defaults={"email": "admin@example.invalid"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo admin: http://127.0.0.1:8000/admin/ user “{USERNAME}”, password “{PASSWORD}”"
            )
        )

"""Load the Russian text of the Action Plan from a file, as a draft or as the official one."""

from django.core.management.base import BaseCommand, CommandError

from actionplan import services
from cica_portal.bilingual import LanguageStatus


class Command(BaseCommand):
    help = (
        "Load the Russian version of the plan's items from a JSON file shaped like "
        "actionplan/data/action-plan-2008.ru.json, with its status (draft or official)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(services.plan.RUSSIAN_FILE))
        parser.add_argument(
            "--status",
            choices=[LanguageStatus.DRAFT, LanguageStatus.OFFICIAL],
            help="the status of the text loaded (default: the file's own `status`)",
        )

    def handle(self, *args, path, status, **options):
        try:
            result = services.load_plan_translation(path, status=status)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        except services.ActionPlanError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"Russian text of {result['changed']} plan items loaded.")

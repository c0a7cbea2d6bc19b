"""Exchange groups for existing users, and the beat schedule that expires and reminds."""

from django.db import migrations


def sync_groups(apps, schema_editor):
    User = apps.get_model("cica_portal", "User")
    Group = apps.get_model("auth", "Group")
    for user in User.objects.filter(is_active=True).select_related("state"):
        names = []
        if user.state_id:
            names.append("exchange:state:%s" % user.state.code)
        if user.role == "secretariat":
            names.append("exchange:secretariat")
        for name in names:
            user.groups.add(Group.objects.get_or_create(name=name)[0])


SCHEDULE = [
    # (name, task, minutes): the shared approval tasks close requests past their deadline
    # (expiring shares) and remind approvers before it. Skipped if another app scheduled them.
    ("Close approvals past their deadline", "cica_portal.close_expired_approvals", 15),
    ("Remind approvers before the deadline", "cica_portal.remind_pending_approvals", 60),
]


def schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    for name, task, minutes in SCHEDULE:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_templates"),
        ("cica_portal", "0003_beat_lease"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(sync_groups, migrations.RunPython.noop),
        migrations.RunPython(schedule, migrations.RunPython.noop),
    ]

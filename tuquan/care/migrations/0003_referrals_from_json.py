"""Each organisation in a person's former `referrals` JSON list becomes a Referral record,
dated the day the support started (the list kept no date) and still pending (it kept no
outcome). The next migration removes the list, so the records are the only source."""

from django.db import migrations

ORGANISATIONS = {"women_union", "youth_union", "veterans", "vocational"}


def forwards(apps, schema_editor):
    SupervisedPerson = apps.get_model("care", "SupervisedPerson")
    Referral = apps.get_model("care", "Referral")
    for person in SupervisedPerson.objects.only("id", "start_on", "referrals").iterator():
        if not person.referrals:
            continue
        existing = set(Referral.objects.filter(person_id=person.id).values_list("organisation", flat=True))
        for code in sorted(set(person.referrals or [])):
            if code in ORGANISATIONS and code not in existing:
                Referral.objects.create(
                    person_id=person.id, organisation=code, referred_on=person.start_on, status="pending"
                )


def backwards(apps, schema_editor):
    SupervisedPerson = apps.get_model("care", "SupervisedPerson")
    Referral = apps.get_model("care", "Referral")
    by_person = {}
    for person_id, code in Referral.objects.values_list("person_id", "organisation"):
        by_person.setdefault(person_id, set()).add(code)
    for person_id, codes in by_person.items():
        SupervisedPerson.objects.filter(pk=person_id).update(referrals=sorted(codes))


class Migration(migrations.Migration):
    dependencies = [("care", "0002_referral_records")]

    operations = [migrations.RunPython(forwards, backwards)]

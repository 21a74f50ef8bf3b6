"""Install the built-in certificate design (A4 landscape, DejaVu fonts) as the default template."""

from django.db import migrations
from django.utils import timezone


def install_default(apps, schema_editor):
    from registry.certificates import default_template_source

    CertificateTemplate = apps.get_model("registry", "CertificateTemplate")
    HistoricalCertificateTemplate = apps.get_model("registry", "HistoricalCertificateTemplate")
    if CertificateTemplate.objects.filter(is_default=True).exists():
        return
    html, css = default_template_source()
    template, _ = CertificateTemplate.objects.update_or_create(
        name="Classic (A4 landscape)", defaults={"html": html, "css": css, "is_default": True}
    )
    # Its first version, so staff can always restore the built-in design from History.
    HistoricalCertificateTemplate.objects.create(
        id=template.pk,
        name=template.name,
        html=html,
        css=css,
        background=template.background,
        is_default=True,
        updated_at=template.updated_at,
        history_date=timezone.now(),
        history_type="+",
        history_change_reason="Built-in design",
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_backoffice")]

    operations = [migrations.RunPython(install_default, migrations.RunPython.noop)]

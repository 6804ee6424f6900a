"""Multi-factor sign-in with TOTP authenticator apps and one-time backup codes (django-otp)."""

from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"


def has_mfa(user):
    return any(True for _ in devices_for_user(user, confirmed=True))


def totp_enrolment_device(user):
    """The user's unconfirmed authenticator, created on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, request, device, token):
    """Confirm enrolment with a first code; returns the new backup codes, or None."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    otp_login(request, device)
    return backup_codes_generate(user=device.user)


@transaction.atomic
def backup_codes_generate(*, user):
    """Ten new one-time codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def mfa_verify(*, request, token):
    """Check a code from the app or a backup code; marks the session verified."""
    token = "".join((token or "").split())
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            return device
    return None


@transaction.atomic
def mfa_reset(*, user):
    """An administrator's reset: the user enrols again at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def qr_svg(device):
    """The provisioning URI as an inline SVG QR code (no image request, no script)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def secret_for_manual_entry(device):
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")

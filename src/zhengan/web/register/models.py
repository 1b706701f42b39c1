"""The information-system register of 004 section 3 (AP-3): systems, their facts and class, incidents.

The facts decide the class by AP-3.1 (`zhengan.schedule.classify`); an override needs a written reason and
is audited by the views. A confirmed major incident (AP-3.3) brings the next assessment forward.
More of the register (device groups, samples, the assessment plan) is added by its own migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengan.schedule import SystemClass, SystemFacts, classify
from zhengan.text import Text

CLASS_CHOICES = [(1, _("class 1 (第一類)")), (2, _("class 2 (第二類)")), (3, _("class 3 (第三類)"))]


class InformationSystem(models.Model):
    class Sourcing(models.TextChoices):
        IN_HOUSE = "in_house", _("built in-house")
        OUTSOURCED = "outsourced", _("outsourced")

    name = models.CharField(_("name"), max_length=200, unique=True)
    owner = models.CharField(_("owner (unit or person)"), max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_systems",
        verbose_name=_("owner's account"),
    )
    description = models.TextField(_("description"), blank=True)
    sourcing = models.CharField(
        _("built by"), max_length=20, choices=Sourcing.choices, default=Sourcing.IN_HOUSE
    )
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    # The facts of AP-3.1 and of the system-level clauses (SR-2 core systems, e-trading, personal data ...).
    customer_internet_service = models.BooleanField(
        _("provides internet services to customers"), default=False
    )
    core = models.BooleanField(_("core system (SR-2)"), default=False)
    core_functions = models.JSONField(_("core functions"), default=list, blank=True)  # 交易、報價、中台風控 …
    stores_customer_data = models.BooleanField(_("stores customer data"), default=False)
    stores_personal_data = models.BooleanField(_("stores personal data"), default=False)
    e_trading = models.BooleanField(_("electronic-trading system"), default=False)
    internet_facing = models.BooleanField(_("reachable from the internet"), default=False)
    cloud_hosted = models.BooleanField(_("hosted on a cloud service"), default=False)
    swift = models.BooleanField(_("SWIFT system"), default=False)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    last_assessed_on = models.DateField(
        _("last assessment completed before zhengan (if any)"), null=True, blank=True
    )
    decommissioned_on = models.DateField(_("decommissioned on"), null=True, blank=True)
    class_override = models.PositiveSmallIntegerField(
        _("class set by the firm"), null=True, blank=True, choices=CLASS_CHOICES
    )
    class_override_reason = models.TextField(_("reason for setting the class"), blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def facts(self) -> SystemFacts:
        return SystemFacts(
            customer_internet_service=self.customer_internet_service,
            core=self.core,
            stores_customer_data=self.stores_customer_data,
        )

    @property
    def derived_class(self) -> tuple[SystemClass, Text]:
        return classify(self.facts)

    @property
    def system_class(self) -> SystemClass:
        return SystemClass(self.class_override) if self.class_override else self.derived_class[0]

    @property
    def class_reason(self) -> Text:
        derived, why = self.derived_class
        if not self.class_override or self.class_override == derived:
            return why
        return Text(
            zh=f"公司設定為第{'一二三'[self.class_override - 1]}類（依 AP-3.1 應為{why.zh}）：{self.class_override_reason}",
            en=f"set by the firm to class {self.class_override} (AP-3.1 gives {why.en}): {self.class_override_reason}",
        )

    @property
    def scopes(self) -> frozenset[str]:
        """The catalogue's `system_scopes` this system belongs to (vocabulary.yaml)."""
        flags = {
            "core": self.core,
            "non_core": not self.core,
            "e_trading": self.e_trading,
            "personal_data": self.stores_personal_data,
            "customer_data": self.stores_customer_data,
            "internet_facing": self.internet_facing,
            "customer_internet_service": self.customer_internet_service,
            "swift": self.swift,
            "cloud": self.cloud_hosted,
            "important": self.system_class == SystemClass.FIRST,
        }
        return frozenset(name for name, on in flags.items() if on)

    @property
    def active(self) -> bool:
        return self.decommissioned_on is None or self.decommissioned_on > timezone.localdate()

    def snapshot(self) -> dict:
        """Every stored field, for the audit trail's before and after."""
        return {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}


class Incident(models.Model):
    """A confirmed major incident (AP-3.3: 個資外洩 or 駭客攻擊) on one system."""

    class Kind(models.TextChoices):
        PERSONAL_DATA_LEAK = "personal_data_leak", _("personal-data leak (個資外洩)")
        HACKING = "hacking", _("hacking attack (駭客攻擊)")

    system = models.ForeignKey(
        InformationSystem, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("system")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    confirmed_on = models.DateField(_("confirmed on"))
    reference = models.CharField(_("incident reference"), max_length=100)  # the firm's handle: INC-2026-007
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-confirmed_on", "-id")

    def __str__(self) -> str:
        return f"{self.reference} ({self.system})"


class DeviceGroup(models.Model):
    """A group of one system's devices (AP-3.2): what kind, how many, and whether the firm owns them."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("network devices")
        SERVER = "server", _("servers")
        ENDPOINT = "endpoint", _("endpoints")
        IOT = "iot", _("IoT devices")

    system = models.ForeignKey(
        InformationSystem, on_delete=models.CASCADE, related_name="device_groups", verbose_name=_("system")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    count = models.PositiveIntegerField(_("number of devices"))
    firm_owned = models.BooleanField(_("owned by the firm"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ("system", "kind", "id")

    def __str__(self) -> str:
        return f"{self.system} · {self.get_kind_display()} × {self.count}"

    def snapshot(self) -> dict:
        return {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}


class DeviceSample(models.Model):
    """A reproducible AP-3.2 sample drawn from an uploaded device list: seed, list hash and the devices."""

    system = models.ForeignKey(
        InformationSystem, on_delete=models.PROTECT, related_name="samples", verbose_name=_("system")
    )
    list_filename = models.CharField(_("device list"), max_length=255)
    list_sha256 = models.CharField(_("SHA-256 of the device list"), max_length=64)
    identifier_column = models.CharField(_("identifier column"), max_length=100)
    device_count = models.PositiveIntegerField(_("devices in the list"))
    minimum = models.PositiveIntegerField(_("minimum sample size (AP-3.2)"))
    arithmetic = models.JSONField(_("arithmetic"), default=dict)  # Text as {"zh":..., "en":...}
    reading = models.CharField(_("reading of 「或」"), max_length=10)
    size = models.PositiveIntegerField(_("sample size"))
    # A decimal string: PostgreSQL's bigint is signed 64-bit, the seed is below 2**63 but kept exact as text.
    seed = models.CharField(_("seed"), max_length=40)
    devices = models.JSONField(_("drawn devices"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-drawn_at", "-id")

    def __str__(self) -> str:
        return f"{self.system} · {self.size}/{self.device_count} · seed {self.seed}"

    def snapshot(self) -> dict:
        return {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}


class AssessmentPlan(models.Model):
    """An approval of the assessment plan (AP-2.2); every approval is kept, the latest is in force."""

    class Approver(models.TextChoices):
        BOARD = "board", _("the board of directors (董事會)")
        AUTHORISED_MANAGER = "authorised_manager", _("a management department the board authorised")
        BRANCH_HEAD = "branch_head", _("the branch head (foreign firm's Taiwan branch)")

    title = models.CharField(_("plan"), max_length=200)
    approver = models.CharField(_("approved by"), max_length=30, choices=Approver.choices)
    approver_name = models.CharField(_("approver's name"), max_length=200)
    approved_on = models.DateField(_("approval date"))
    document = models.ForeignKey(
        "evidence.EvidenceItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approval document"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-approved_on", "-id")

    def __str__(self) -> str:
        return f"{self.title} ({self.approved_on})"

    @property
    def next_review(self):
        """AP-2.2: the plan is reviewed anew at least every three years."""
        from zhengan.schedule import add_months

        return add_months(self.approved_on, 36)

    def snapshot(self) -> dict:
        return {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}

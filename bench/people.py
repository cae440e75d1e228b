"""Who is who in generated bench data: sizes, e-mail addresses and the known password."""

import math
import os
from dataclasses import dataclass

DOMAIN = "bench.example.org"
# Every generated account shares it, so that `bench/run` can sign in as anyone.
PASSWORD = os.environ.get("PORTFOLIO_BENCH_PASSWORD", "bench-passphrase-2026")


@dataclass(frozen=True)
class Shape:
    """How N apprenticeships are spread over providers, employers and tutors."""

    apprenticeships: int = 10_000
    per_provider: int = 2_500
    per_employer: int = 50
    per_tutor: int = 50
    # The first employer of each provider is this big: the 500-apprentice heatmap needs one.
    big_employer: int = 500
    items: tuple[int, int] = (40, 60)  # evidence items per apprenticeship, inclusive range
    claims: tuple[int, int] = (2, 4)  # KSB claims per item
    signoff_share: float = 0.3  # of apprenticeship-KSB pairs, on average

    def provider_sizes(self) -> list[int]:
        """Apprenticeships per provider, as even as whole numbers allow."""
        count = max(1, math.ceil(self.apprenticeships / self.per_provider))
        base, extra = divmod(self.apprenticeships, count)
        return [base + (1 if p < extra else 0) for p in range(count)]


@dataclass(frozen=True)
class Layout:
    """One provider's employers and tutors, and which apprenticeship goes where."""

    size: int
    employers: int
    tutors: int
    big: int  # apprenticeships at employer 0

    def employer_of(self, local: int) -> int:
        if local < self.big or self.employers == 1:
            return 0
        return 1 + (local - self.big) % (self.employers - 1)

    def tutor_of(self, local: int) -> int:
        return local % self.tutors


def layout(size: int, shape: Shape) -> Layout:
    employers = max(1, math.ceil(size / shape.per_employer))
    tutors = max(1, math.ceil(size / shape.per_tutor))
    big = min(shape.big_employer, size // 5) if employers > 1 else size
    return Layout(size, employers, tutors, big)


def apprentice_email(number: int) -> str:
    """The apprentice of the number-th apprenticeship, counted from 1 across all providers."""
    return f"apprentice{number}@{DOMAIN}"


def staff_email(role: str, provider: int, number: int | None = None) -> str:
    """admin@provider1..., iqa@provider1..., tutor3@provider1... (providers counted from 1)."""
    name = role if number is None else f"{role}{number}"
    return f"{name}@provider{provider}.{DOMAIN}"


def manager_email(provider: int, employer: int) -> str:
    """Employer 1 of each provider is the big one (the heatmap's cohort)."""
    return f"manager@employer{employer}.provider{provider}.{DOMAIN}"

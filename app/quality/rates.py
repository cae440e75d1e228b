"""Sampling rates per tutor, as pure arithmetic over counts aggregated in SQL."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TutorSampling:
    tutor_id: int
    tutor_name: str
    decisions: int
    sampled: int
    disagreed: int

    @property
    def sample_rate(self) -> float | None:
        """Share of the tutor's decisions an IQA has sampled; None when they made none."""
        return self.sampled / self.decisions if self.decisions else None

    @property
    def disagreement_rate(self) -> float | None:
        """Share of the sampled decisions the IQA disagreed with; None when none was sampled."""
        return self.disagreed / self.sampled if self.sampled else None


def percent(rate: float | None) -> str:
    return "no data" if rate is None else f"{round(rate * 100)}%"

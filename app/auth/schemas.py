"""Response shapes for the account part of the JSON API."""

from pydantic import BaseModel, ConfigDict

from app.models import Role


class MeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: Role
    organisation_id: int

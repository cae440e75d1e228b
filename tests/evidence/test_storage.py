"""The storage folder: a file is in place, being written (`.part`) or deleted (`.deleted`)."""

from app.evidence.storage import LocalStorage
from tests.evidence.conftest import stored_files
from tests.evidence.test_reconcile import make_old, unfinished


def test_moving_a_file_into_place_twice_is_harmless(storage: LocalStorage) -> None:
    """The sweep and the upload's own after-commit step may both try."""
    key = unfinished(storage, b"notes")
    storage.promote_key(key)
    storage.promote_key(key)
    assert storage.path_for(key).read_bytes() == b"notes"


def test_a_deleted_file_is_out_of_service_at_once_and_its_grace_starts(
    storage: LocalStorage,
) -> None:
    key = storage.new_key()
    storage.put_bytes(key, b"notes")
    make_old(storage.path_for(key))
    storage.delete(key)
    assert not storage.exists(key)
    assert stored_files(storage) == [storage.deleted_path_for(key).name]
    idle = storage.idle_seconds(storage.deleted_path_for(key))
    assert idle is not None and idle < 60


def test_the_listing_sorts_keys_by_the_state_of_their_file(storage: LocalStorage) -> None:
    kept, part, gone = storage.new_key(), unfinished(storage), storage.new_key()
    storage.put_bytes(kept, b"kept")
    storage.put_bytes(gone, b"gone")
    storage.delete(gone)
    listing = storage.listing()
    assert (listing.kept, listing.parts, listing.deleted) == ({kept}, {part}, {gone})

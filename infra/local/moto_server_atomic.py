"""moto_server with DynamoDB's item operations made atomic, as DynamoDB makes them.

moto serves requests on threads and checks a condition or a transaction's conditions in Python
before writing, with no lock: two concurrent conditional writes of one item can both pass, and a
failed transaction's rollback restores a copy of the tables taken before a concurrent write. The
billing's exactly-once writes rely on DynamoDB's atomic conditions, so this serves moto with its
DynamoDB reads and writes serialized (other services, SQS's long polls among them, stay threaded).
"""

import functools
import sys
import threading

from moto.dynamodb.models import DynamoDBBackend
from moto.server import main

_lock = threading.RLock()

for _name in (
    "get_item",
    "put_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "transact_write_items",
):
    _original = getattr(DynamoDBBackend, _name)

    def _serialized(self, *args, __original=_original, **kwargs):
        with _lock:
            return __original(self, *args, **kwargs)

    setattr(DynamoDBBackend, _name, functools.wraps(_original)(_serialized))

if __name__ == "__main__":
    sys.exit(main())

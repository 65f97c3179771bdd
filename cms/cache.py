"""The production cache: Django's database cache, with an incr() that counts.

Django's DatabaseCache inherits incr() from BaseCache: it reads the value, then writes it back
with the default timeout. Two workers incrementing at once both write the same count, and a
counter meant to last an hour (the erratum rate limit) expires five minutes after its last
increment. Here incr() locks the row, adds, and leaves the expiry alone.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, cache_key, value = quote(self._table), quote("cache_key"), quote("value")
        full_key = self.make_and_validate_key(key, version=version)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {cache_key} = %s{lock}", [full_key])
            # Locked (or absent): get() reads the current value, or nothing if it expired.
            current = self.get(key, self._missing_key, version=version)
            if current is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            new_value = current + delta
            pickled = pickle.dumps(new_value, self.pickle_protocol)
            cursor.execute(
                f"UPDATE {table} SET {value} = %s WHERE {cache_key} = %s",
                [base64.b64encode(pickled).decode("latin1"), full_key],
            )
        return new_value

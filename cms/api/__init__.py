"""The read-only JSON API (/api/v1/): catalogue, editions and leaves of published content.

Everything it serves comes from editions: a textbook is listed only once it has a current
edition, and a leaf is read from the revision an edition's manifest pins, never from a page's
latest revision or draft.
"""

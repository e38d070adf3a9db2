"""The domain: plain Python rules of a judicial sale. No I/O, no framework imports
(tests/test_domain_purity.py checks it)."""

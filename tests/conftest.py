import pytest


def pytest_addoption(parser):
    parser.addoption("--bless", action="store_true",
                     help="rewrite the expected output of golden tests from the current output")

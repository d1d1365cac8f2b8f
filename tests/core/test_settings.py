"""Configuration from the environment, checked in a fresh process as production would run."""

import os
import subprocess
import sys

PROD = {
    "KEYWORKS_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
    "KEYWORKS_ALLOWED_HOSTS": "keyworks.example.gov.cn",
    "KEYWORKS_DEBUG": "false",
    "KEYWORKS_SSL_REDIRECT": "true",
    "KEYWORKS_HSTS_SECONDS": "31536000",
    "KEYWORKS_HSTS_INCLUDE_SUBDOMAINS": "true",
    "KEYWORKS_HSTS_PRELOAD": "true",
    "KEYWORKS_CACHE_URL": "redis://127.0.0.1:6379/0",
}


def run(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KEYWORKS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    } | env_extra
    env["KEYWORKS_VAR_DIR"] = env_extra.get("KEYWORKS_VAR_DIR", "/tmp/keyworks-settings-test")
    return subprocess.run(
        [sys.executable, "-m", "keyworks", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run("check", "--deploy", "--fail-level", "WARNING", env_extra=PROD)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_production_without_https_enforcement():
    env = {k: v for k, v in PROD.items() if not k.startswith(("KEYWORKS_SSL", "KEYWORKS_HSTS"))}
    result = run("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr
    assert "security.W008" in result.stdout + result.stderr


def test_check_deploy_flags_a_cache_each_worker_keeps_to_itself():
    env = {k: v for k, v in PROD.items() if k != "KEYWORKS_CACHE_URL"}
    result = run("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode != 0
    assert "keyworks.W010" in result.stdout + result.stderr


def test_an_unknown_cache_url_stops_start_up_naming_the_variable():
    result = run("check", env_extra=PROD | {"KEYWORKS_CACHE_URL": "memcached://x"})
    assert result.returncode != 0
    assert "KEYWORKS_CACHE_URL" in result.stderr


def test_check_deploy_flags_the_development_secret_key():
    env = {k: v for k, v in PROD.items() if k != "KEYWORKS_SECRET_KEY"}
    result = run("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_a_bad_boolean_stops_start_up_naming_the_variable():
    result = run("check", env_extra=PROD | {"KEYWORKS_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "KEYWORKS_DEBUG" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PROD["KEYWORKS_SECRET_KEY"])
    env = {k: v for k, v in PROD.items() if k != "KEYWORKS_SECRET_KEY"} | {
        "KEYWORKS_SECRET_KEY_FILE": str(secret)
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_postgresql_connections_do_without_jit_and_keep_url_options():
    url = "postgres://u:p@db.example:5432/kw?sslmode=require&options=-c%20statement_timeout%3D5000"
    result = run(
        "shell",
        "-c",
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o['sslmode'], '|', o['options'])",
        env_extra=PROD | {"KEYWORKS_DATABASE_URL": url},
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1] == "require | -c statement_timeout=5000 -c jit=off"
    )

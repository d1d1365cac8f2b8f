"""Configuration from the environment, checked in a fresh process as production would run."""

import os
import subprocess
import sys
from pathlib import Path

import keyworks
from keyworks.bootstrap import DEVELOPMENT_SECRET_KEY

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


SRC = str(Path(keyworks.__file__).resolve().parent.parent)  # the code under test


def run(*args, env_extra):
    """`keyworks *args` in a fresh process with only `env_extra` of keyworks' variables,
    on the production settings (not the tests')."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KEYWORKS_")
        and k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    } | env_extra
    env["KEYWORKS_VAR_DIR"] = env_extra.get("KEYWORKS_VAR_DIR", "/tmp/keyworks-settings-test")
    env["PYTHONPATH"] = SRC
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


def without_key(env: dict) -> dict:
    return {k: v for k, v in env.items() if k != "KEYWORKS_SECRET_KEY"}


def test_production_without_a_secret_key_refuses_to_start():
    result = run("check", env_extra=without_key(PROD))
    assert result.returncode != 0
    assert "KEYWORKS_SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_a_check_of_the_migrations_needs_no_secret_key():
    """makemigrations reads the code and signs nothing: a build or CI step runs it bare."""
    result = run("makemigrations", "--check", "--dry-run", env_extra=without_key(PROD))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_a_development_run_uses_the_public_key_and_check_deploy_flags_it():
    env = without_key(PROD) | {"KEYWORKS_DEBUG": "true"}
    assert run("check", env_extra=env).returncode == 0
    result = run("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr  # the SECRET_KEY warning


def test_the_demo_starts_with_nothing_set_and_keeps_its_own_key(tmp_path):
    """`make demo` on a fresh machine: no variable at all. The key is made once, kept in
    var/ for its owner only, and used again the next time."""
    var = tmp_path / "var"
    env = {"KEYWORKS_VAR_DIR": str(var)}
    first = run("demo", "--help", env_extra=env)
    assert first.returncode == 0, first.stderr
    kept = var / "demo-secret-key"
    key = kept.read_text()
    assert len(key) >= 50 and "insecure" not in key
    assert kept.stat().st_mode & 0o777 == 0o600
    shown = "from django.conf import settings; print(settings.SECRET_KEY)"
    assert run("shell", "-c", shown, env_extra=env).returncode != 0  # not for other commands
    again = run("demo", "--help", env_extra=env)
    assert again.returncode == 0, again.stderr
    assert kept.read_text() == key


def test_a_demo_database_made_before_the_kept_key_keeps_reading_its_contacts(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "keyworks.sqlite3").touch()  # an earlier demo's database
    result = run("demo", "--help", env_extra={"KEYWORKS_VAR_DIR": str(var)})
    assert result.returncode == 0, result.stderr
    assert (var / "demo-secret-key").read_text() == DEVELOPMENT_SECRET_KEY
    assert "删除" in result.stderr


def test_a_secret_key_given_is_the_demos_key(tmp_path):
    var = tmp_path / "var"
    result = run("demo", "--help", env_extra={"KEYWORKS_VAR_DIR": str(var)} | PROD)
    assert result.returncode == 0, result.stderr
    assert not (var / "demo-secret-key").exists()


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

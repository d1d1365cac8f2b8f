"""The demo programme (焦作市2025年三十工程), `keyworks demo` and `keyworks synth`."""

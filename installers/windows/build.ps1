<#
.SYNOPSIS
    Windows release: PyInstaller onedir bundle, a portable zip and the Inno Setup installer.

.DESCRIPTION
    From anywhere (PowerShell 5.1 or 7):
        powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1

    Outputs, in dist\:
        cmdesk\                              the bundle (cmdesk.exe, cmdesk-gui.exe, _internal\)
        cmdesk-<version>-windows-x64.zip     the bundle as cmdesk-<version>\ (no installation)
        cmdesk-setup-<version>.exe           the installer (installers\windows\cmdesk.iss)

    Needs Python 3.11+ (python.org or actions/setup-python; -Python to choose) and Inno
    Setup 6.3+ (ISCC.exe: on PATH, in the ISCC variable, or in its default folders;
    `choco install innosetup` installs it). The build venv is .venv-dist, made from
    requirements.lock plus the PyInstaller pins that installers/linux/build.sh uses.

.PARAMETER Python
    The Python to make the venv with (default: python).

.PARAMETER SkipInstaller
    Stop after the bundle and the zip (no Inno Setup needed).
#>
[CmdletBinding()]
param(
    [string]$Python = "python",
    [switch]$SkipInstaller
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Pins = @(
    "pyinstaller==6.22.3",              # the same as installers/linux/build.sh
    "pyinstaller-hooks-contrib==2026.9",
    "altgraph==0.17.5",
    "pefile==2024.8.26"
)

$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Step([string]$Message) { Write-Host "==> $Message" }

# Native programs do not throw on failure in PowerShell: check each exit code.
function Invoke-Native([string]$Exe, [string[]]$Arguments) {
    Write-Host "+ $Exe $($Arguments -join ' ')"
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe exited with code $LASTEXITCODE" }
}

# -- version ------------------------------------------------------------------------------------
$Init = Get-Content -Raw -Encoding UTF8 "src\cmdesk\__init__.py"
if ($Init -notmatch '(?m)^__version__\s*=\s*["'']([^"'']+)["'']') {
    throw "no __version__ in src\cmdesk\__init__.py"
}
$Version = $Matches[1]
# Four integers for the installer's own version resource ("1.2.0rc1" -> 1.2.0.0).
$Release = [regex]::Match($Version, '^\d+(\.\d+){0,3}').Value -split '\.'
$NumericVersion = (@($Release) + @("0", "0", "0", "0"))[0..3] -join "."
Step "cmdesk $Version ($NumericVersion)"

# -- the build venv -----------------------------------------------------------------------------
$Venv = ".venv-dist"
$Py = Join-Path $Root "$Venv\Scripts\python.exe"
$LockHash = (Get-FileHash -Algorithm SHA256 "requirements.lock").Hash.ToLower()
$PyVersion = (& $Python -c "import sys; print(sys.version.split()[0])")
if ($LASTEXITCODE -ne 0) { throw "$Python does not run" }
$Stamp = "$LockHash $($Pins -join ' ') $PyVersion"
$StampFile = Join-Path $Venv ".installed"
if (-not (Test-Path $StampFile) -or (Get-Content -Raw $StampFile).Trim() -ne $Stamp) {
    Step "creating $Venv (requirements.lock + $($Pins -join ' '))"
    if (Test-Path $Venv) { Remove-Item -Recurse -Force $Venv }
    Invoke-Native $Python @("-m", "venv", $Venv)
    Invoke-Native $Py @("-m", "pip", "install", "--quiet", "--upgrade", "pip>=24")
    Invoke-Native $Py (@("-m", "pip", "install", "--quiet", "-r", "requirements.lock") + $Pins)
    Set-Content -Encoding ASCII -NoNewline -Path $StampFile -Value $Stamp
} else {
    Step "reusing $Venv"
}

# -- catalogues and bundle ----------------------------------------------------------------------
Step "catalogues"
Invoke-Native $Py @("-m", "babel.messages.frontend", "compile", "-D", "cmdesk", "-d", "src\cmdesk\locale")

Step "pyinstaller"
foreach ($Path in @("dist\cmdesk", "build\pyinstaller")) {
    if (Test-Path $Path) { Remove-Item -Recurse -Force $Path }
}
Invoke-Native (Join-Path $Root "$Venv\Scripts\pyinstaller.exe") @(
    "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", "dist", "--workpath", "build\pyinstaller", "installers\cmdesk.spec"
)
$Bundle = Join-Path $Root "dist\cmdesk"  # absolute, for the call operator and the installer

Step "checks of the frozen programs"
$Got = (& "$Bundle\cmdesk.exe" --version)
if ($LASTEXITCODE -ne 0) { throw "the frozen cmdesk.exe does not start" }
if ($Got -ne "cmdesk $Version") { throw "the frozen cmdesk.exe says '$Got', expected 'cmdesk $Version'" }
$SmokeHome = Join-Path $Root "build\smoke-home"
if (Test-Path $SmokeHome) { Remove-Item -Recurse -Force $SmokeHome }
Invoke-Native "$Bundle\cmdesk.exe" @("--home", $SmokeHome, "demo")
# The windowed launcher has no console to print to: the console program runs the same GUI.
$env:QT_QPA_PLATFORM = "offscreen"
try {
    Invoke-Native "$Bundle\cmdesk.exe" @("--home", $SmokeHome, "gui", "--smoke")
} finally {
    Remove-Item Env:\QT_QPA_PLATFORM
}
$SizeMB = [math]::Round(((Get-ChildItem -Recurse -File $Bundle | Measure-Object -Sum Length).Sum / 1e6), 1)
Write-Host "    bundle: $Bundle ($SizeMB MB)"

# -- portable zip -------------------------------------------------------------------------------
$Zip = "dist\cmdesk-$Version-windows-x64.zip"
Step $Zip
$ZipStage = "build\zip\cmdesk-$Version"
if (Test-Path "build\zip") { Remove-Item -Recurse -Force "build\zip" }
New-Item -ItemType Directory -Force -Path "build\zip" | Out-Null
Copy-Item -Recurse $Bundle $ZipStage
if (Test-Path $Zip) { Remove-Item -Force $Zip }
Compress-Archive -Path $ZipStage -DestinationPath $Zip

if ($SkipInstaller) {
    Step "installer skipped (-SkipInstaller)"
    exit 0
}

# -- installer ----------------------------------------------------------------------------------
function Find-Iscc {
    if ($env:ISCC -and (Test-Path $env:ISCC)) { return $env:ISCC }
    $OnPath = Get-Command "iscc.exe" -ErrorAction SilentlyContinue
    if ($OnPath) { return $OnPath.Source }
    $Candidates = @(
        (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
    )
    foreach ($Candidate in $Candidates) {
        if (Test-Path $Candidate) { return $Candidate }
    }
    throw "Inno Setup's ISCC.exe not found: choco install innosetup, or set ISCC to its path"
}

$Iscc = Find-Iscc
Step "installer ($Iscc)"
Invoke-Native $Iscc @(
    "/Q", "/DAppVersion=$Version", "/DAppNumericVersion=$NumericVersion",
    "installers\windows\cmdesk.iss"
)
$Setup = "dist\cmdesk-setup-$Version.exe"
if (-not (Test-Path $Setup)) { throw "$Setup was not produced" }

Write-Host ""
Write-Host "bundle:    $Bundle ($SizeMB MB)"
Write-Host "zip:       $Zip"
Write-Host "installer: $Setup"
Write-Host "Unsigned: Windows SmartScreen warns on first run (More info > Run anyway)."

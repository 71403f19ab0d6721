; cmdesk - Windows installer (Inno Setup 6.3 or later).
;
; Built by installers/windows/build.ps1 after PyInstaller, from the repository root:
;   ISCC /DAppVersion=0.1.0 [/DAppNumericVersion=0.1.0.0] installers\windows\cmdesk.iss
; Input:  dist\cmdesk\ (the onedir bundle: cmdesk.exe, cmdesk-gui.exe, _internal\)
; Output: dist\cmdesk-setup-<AppVersion>.exe
;
; Per-user by default (no administrator rights needed: %LOCALAPPDATA%\Programs\cmdesk and
; HKEY_CURRENT_USER); the first page offers an install for all users instead. HKA and
; {auto...} constants follow that choice.
;
; The user's data is never touched, neither by the installer nor by the uninstaller:
; cmdesk keeps it in platformdirs.user_data_dir("cmdesk", appauthor=False), which is
; %LOCALAPPDATA%\cmdesk on Windows (src/cmdesk/store/paths.py resolve_home: --home, else
; CMDESK_HOME, else that folder): clients\*.cmdesk, backups\, preferences.ini, and the logs
; in %LOCALAPPDATA%\cmdesk\Logs. Passwords are in the Windows Credential Manager. None of
; them is under {app}, and there is deliberately no [UninstallDelete] section: uninstalling
; removes the program files, shortcuts and registry entries only.

#ifndef AppVersion
  #error AppVersion is not defined: build with ISCC /DAppVersion=<version> (installers\windows\build.ps1 does)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\cmdesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "cmdesk"
#define GuiExe "cmdesk-gui.exe"
#define ProgId "cmdesk.workspace"

[Setup]
; Fixed for ever: Windows recognises upgrades and the uninstaller entry by it.
AppId={{6F1E2B7C-3D4A-4C5B-9E8F-7A2D1C0B4E93}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=cmdesk contributors
#ifdef AppNumericVersion
VersionInfoVersion={#AppNumericVersion}
#endif
VersionInfoProductName={#AppName}
VersionInfoProductTextVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; The .cmdesk file type and the PATH entry: Explorer and new consoles are told at the end.
ChangesAssociations=yes
ChangesEnvironment=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=cmdesk-setup-{#AppVersion}
SetupIconFile=..\icons\cmdesk.ico
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; A running cmdesk holds its files open: offer to close it (Restart Manager) first.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
french.FileAssociation=Ouvrir les fichiers .cmdesk avec cmdesk
english.FileAssociation=Open .cmdesk files with cmdesk
french.AddToPath=Ajouter la commande "cmdesk" au PATH (invite de commandes, PowerShell)
english.AddToPath=Add the "cmdesk" command to PATH (Command Prompt, PowerShell)
french.OtherTasks=Autres options :
english.OtherTasks=Other options:
french.WorkspaceType=Espace de travail client cmdesk
english.WorkspaceType=cmdesk client workspace
french.AppComment=Veille, publication, interactions et rapports, un fichier par client
english.AppComment=Monitoring, publishing, interactions and reports, one file per client

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "fileassoc"; Description: "{cm:FileAssociation}"; GroupDescription: "{cm:OtherTasks}"
Name: "addtopath"; Description: "{cm:AddToPath}"; GroupDescription: "{cm:OtherTasks}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the bundle's libraries as a whole: a DLL or module left over from
; the previous version next to the new ones could be loaded by mistake. Program files only.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Registry]
; File association, as Microsoft recommends: a ProgID owned by cmdesk, listed in the
; extension's OpenWithProgids (Windows 10+ then asks the user once rather than letting
; installers take an extension over). .cmdesk is cmdesk's own extension, so its default
; value names the ProgID too: a double-click opens the file without asking. A program the
; user picked with "Open with" is kept apart by Windows (UserChoice) and still wins.
Root: HKA; Subkey: "Software\Classes\.cmdesk"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\.cmdesk"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-cmdesk-workspace"; Flags: uninsdeletevalue; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\.cmdesk\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:WorkspaceType}"; Flags: uninsdeletekey; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#GuiExe},0"; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" ""%1"""; Tasks: fileassoc
; "Open with" lists cmdesk for .cmdesk files even when another program is the default.
Root: HKA; Subkey: "Software\Classes\Applications\{#GuiExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#GuiExe}\SupportedTypes"; ValueType: string; ValueName: ".cmdesk"; ValueData: ""

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// The PATH entry: the user's own PATH (HKCU\Environment) for a per-user install, the
// machine's for an all-users one. It is the {app} folder, so `cmdesk` (the console
// program) and `cmdesk-gui` both become commands; the uninstaller takes it out again.

function PathRoot: Integer;
begin
  if IsAdminInstallMode then
    Result := HKEY_LOCAL_MACHINE
  else
    Result := HKEY_CURRENT_USER;
end;

function PathKey: String;
begin
  if IsAdminInstallMode then
    Result := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
  else
    Result := 'Environment';
end;

// Position of Dir in the semicolon-separated Path (case-insensitive, a trailing
// backslash ignored), 0 when absent.
function PathEntryPos(const Path, Dir: String): Integer;
begin
  Result := Pos(';' + Uppercase(RemoveBackslashUnlessRoot(Dir)) + ';',
                ';' + Uppercase(Path) + ';');
  if Result = 0 then
    Result := Pos(';' + Uppercase(AddBackslash(Dir)) + ';', ';' + Uppercase(Path) + ';');
end;

procedure AddToPath(const Dir: String);
var
  Path: String;
begin
  if not RegQueryStringValue(PathRoot, PathKey, 'Path', Path) then
    Path := '';
  if PathEntryPos(Path, Dir) > 0 then
    exit;
  if (Path <> '') and (Path[Length(Path)] <> ';') then
    Path := Path + ';';
  // REG_EXPAND_SZ: entries such as %USERPROFILE%\... in the existing value keep working.
  RegWriteExpandStringValue(PathRoot, PathKey, 'Path', Path + Dir);
end;

procedure RemoveFromPath(const Dir: String);
var
  Path, Wrapped, Entry: String;
  P: Integer;
begin
  if not RegQueryStringValue(PathRoot, PathKey, 'Path', Path) then
    exit;
  Wrapped := ';' + Path + ';';
  Entry := ';' + RemoveBackslashUnlessRoot(Dir) + ';';
  P := Pos(Uppercase(Entry), Uppercase(Wrapped));
  if P = 0 then
  begin
    Entry := ';' + AddBackslash(Dir) + ';';
    P := Pos(Uppercase(Entry), Uppercase(Wrapped));
  end;
  if P = 0 then
    exit;
  Delete(Wrapped, P, Length(Entry) - 1);
  Path := Copy(Wrapped, 2, Length(Wrapped) - 2);
  RegWriteExpandStringValue(PathRoot, PathKey, 'Path', Path);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and WizardIsTaskSelected('addtopath') then
    AddToPath(ExpandConstant('{app}'));
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  // Removed whether or not the task was chosen: an entry someone added by hand for this
  // folder would point nowhere once the files are gone.
  if CurUninstallStep = usPostUninstall then
    RemoveFromPath(ExpandConstant('{app}'));
end;

@echo off
rem netloop chat on Windows, in one command from a fresh clone, from any directory:
rem
rem   samples\chat.cmd server [--port 6667] [--backend nio]
rem   samples\chat.cmd client [--nick alice] [--host 127.0.0.1] [--port 6667]
rem
rem Needs JAVA_HOME set to a JDK 22 or newer, and Maven (mvn) on the PATH to build
rem samples\target\netloop-chat.jar the first time. It rebuilds only when the jar is missing:
rem after changing the sources, delete the jar (or run mvn -DskipTests package).
rem Kept simple on purpose; the Unix launcher (samples/chat) also searches for JDKs.
setlocal EnableExtensions
set "SAMPLES=%~dp0"
set "ROOT=%~dp0.."
set "JAR=%SAMPLES%target\netloop-chat.jar"

if not defined JAVA_HOME goto nojdk
if not exist "%JAVA_HOME%\bin\java.exe" goto nojdk
rem The release file of a JDK holds a line such as JAVA_VERSION="25.0.1".
set "JV="
for /f "usebackq tokens=2 delims==" %%v in (`findstr /b /c:"JAVA_VERSION=" "%JAVA_HOME%\release" 2^>nul`) do set "JV=%%~v"
if not defined JV goto nojdk
set "MAJOR="
for /f "tokens=1 delims=.-+" %%m in ("%JV%") do set "MAJOR=%%m"
if not defined MAJOR goto nojdk
if %MAJOR% LSS 22 goto nojdk

if exist "%JAR%" goto run
where mvn >nul 2>nul
if errorlevel 1 goto nomvn
echo Building %JAR% with Maven, about a minute the first time ... 1>&2
rem JDK 24 and newer warn about Maven's own use of sun.misc.Unsafe; that warning is not ours to show.
if %MAJOR% GEQ 24 set "MAVEN_OPTS=%MAVEN_OPTS% --sun-misc-unsafe-memory-access=allow"
call mvn -q -DskipTests -f "%ROOT%\pom.xml" package
if errorlevel 1 exit /b 1

:run
"%JAVA_HOME%\bin\java.exe" -jar "%JAR%" %*
exit /b %ERRORLEVEL%

:nojdk
echo netloop chat needs a JDK 22 or newer: install one, for example Eclipse Temurin 25 from https://adoptium.net, and set JAVA_HOME to it. 1>&2
exit /b 1

:nomvn
echo netloop chat needs Maven to build %JAR% the first time: install it from https://maven.apache.org and put its bin folder on the PATH. 1>&2
exit /b 1

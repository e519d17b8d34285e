#pragma once

// Hides the app's window behind an opaque cover whenever its content could be seen outside the
// resident's own eyes on the phone: while the screen is recorded, mirrored or AirPlayed
// (UIScreen.isCaptured), and while the app is not active (the app switcher snapshot).
// Call once from main(), before ffi::start_app(). Main thread only.
#ifdef __cplusplus
extern "C" {
#endif

void IKDScreenGuardInstall(void);

#ifdef __cplusplus
}
#endif

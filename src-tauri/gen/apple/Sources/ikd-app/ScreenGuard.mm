// Screen capture and app switcher protection for the QR and the card (see ScreenGuard.h and
// mobile/ios.md). Public UIKit API only. iOS cannot block a plain screenshot; this covers
// recording, mirroring and the snapshot the system takes when the app leaves the foreground.

#import <UIKit/UIKit.h>

#include "ScreenGuard.h"

#if !__has_feature(objc_arc)
#error "ScreenGuard.mm must be compiled with ARC (-fobjc-arc)"
#endif

// The cover, while it is shown (its superview is the window it covers).
static UIView *gCover = nil;

// The key window of the app's window scenes; any visible window when none is key.
static UIWindow *IKDKeyWindow(void) {
	UIWindow *fallback = nil;
	for (UIScene *scene in UIApplication.sharedApplication.connectedScenes) {
		if (![scene isKindOfClass:[UIWindowScene class]]) {
			continue;
		}
		for (UIWindow *window in ((UIWindowScene *)scene).windows) {
			if (window.isKeyWindow) {
				return window;
			}
			if (fallback == nil && !window.hidden) {
				fallback = window;
			}
		}
	}
	return fallback;
}

// Whether a screen showing the app is being recorded, mirrored or sent over AirPlay.
static BOOL IKDScreenIsCaptured(void) {
	BOOL sawScene = NO;
	for (UIScene *scene in UIApplication.sharedApplication.connectedScenes) {
		if (![scene isKindOfClass:[UIWindowScene class]]) {
			continue;
		}
		sawScene = YES;
		if (((UIWindowScene *)scene).screen.isCaptured) {
			return YES;
		}
	}
	return sawScene ? NO : UIScreen.mainScreen.isCaptured;
}

static UIView *IKDMakeCover(CGRect frame) {
	UIView *cover = [[UIView alloc] initWithFrame:frame];
	cover.autoresizingMask = UIViewAutoresizingFlexibleWidth | UIViewAutoresizingFlexibleHeight;
	// The brand blue, #0a4f8f.
	cover.backgroundColor = [UIColor colorWithRed:10.0 / 255.0 green:79.0 / 255.0 blue:143.0 / 255.0 alpha:1.0];
	cover.opaque = YES;
	// Touches stop here: nothing under the cover can be used while it is shown.
	cover.userInteractionEnabled = YES;
	cover.accessibilityViewIsModal = YES;

	UILabel *label = [[UILabel alloc] init];
	label.translatesAutoresizingMaskIntoConstraints = NO;
	label.text = @"Layar disembunyikan demi keamanan KTP Digital\n\nScreen hidden to protect your KTP Digital";
	label.textColor = UIColor.whiteColor;
	label.textAlignment = NSTextAlignmentCenter;
	label.numberOfLines = 0;
	label.font = [UIFont preferredFontForTextStyle:UIFontTextStyleHeadline];
	label.adjustsFontForContentSizeCategory = YES;
	[cover addSubview:label];
	[NSLayoutConstraint activateConstraints:@[
		[label.leadingAnchor constraintEqualToAnchor:cover.layoutMarginsGuide.leadingAnchor],
		[label.trailingAnchor constraintEqualToAnchor:cover.layoutMarginsGuide.trailingAnchor],
		[label.centerYAnchor constraintEqualToAnchor:cover.centerYAnchor],
	]];
	return cover;
}

// Puts the cover over everything in the key window (again on top if it is already there).
static void IKDShowCover(void) {
	UIWindow *window = IKDKeyWindow();
	if (window == nil) {
		return;
	}
	if (gCover == nil) {
		gCover = IKDMakeCover(window.bounds);
	}
	if (gCover.superview != window) {
		[gCover removeFromSuperview];
		gCover.frame = window.bounds;
		[window addSubview:gCover];
	}
	[window bringSubviewToFront:gCover];
}

static void IKDHideCover(void) {
	[gCover removeFromSuperview];
}

// Shown unless the app is active and no screen is captured.
static void IKDUpdateCover(BOOL active) {
	if (active && !IKDScreenIsCaptured()) {
		IKDHideCover();
	} else {
		IKDShowCover();
	}
}

void IKDScreenGuardInstall(void) {
	static BOOL installed = NO;
	if (installed) {
		return;
	}
	installed = YES;

	@autoreleasepool {
		NSNotificationCenter *center = NSNotificationCenter.defaultCenter;
		NSOperationQueue *main = NSOperationQueue.mainQueue;
		// The observers stay registered for the life of the process (the centre keeps the blocks).
		[center addObserverForName:UIApplicationWillResignActiveNotification
		                    object:nil
		                     queue:main
		                usingBlock:^(NSNotification *note) {
		                  IKDShowCover();
		                }];
		[center addObserverForName:UIApplicationDidEnterBackgroundNotification
		                    object:nil
		                     queue:main
		                usingBlock:^(NSNotification *note) {
		                  IKDShowCover();
		                }];
		[center addObserverForName:UIApplicationDidBecomeActiveNotification
		                    object:nil
		                     queue:main
		                usingBlock:^(NSNotification *note) {
		                  IKDUpdateCover(YES);
		                }];
		[center addObserverForName:UIScreenCapturedDidChangeNotification
		                    object:nil
		                     queue:main
		                usingBlock:^(NSNotification *note) {
		                  IKDUpdateCover(UIApplication.sharedApplication.applicationState ==
		                                 UIApplicationStateActive);
		                }];
	}
}

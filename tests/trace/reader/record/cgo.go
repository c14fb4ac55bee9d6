package main

/*
#include <pthread.h>
extern void goCallback(int);
static void *thr(void *arg) { for (int i = 0; i < 5; i++) goCallback(i); return 0; }
static void runThreads(void) {
	pthread_t t[3];
	for (int i = 0; i < 3; i++) pthread_create(&t[i], 0, thr, 0);
	for (int i = 0; i < 3; i++) pthread_join(t[i], 0);
}
*/
import "C"

var cbCount int

//export goCallback
func goCallback(i C.int) { cbCount += int(i) }

func cgoWork() { C.runThreads() }

/* A minimal unit-test harness: TEST() registers a function, CHECK*() record
 * failures without stopping the test, and the runner prints one line per
 * test ("PASS name" / "FAIL name") and a closing "N passed, N failed". */
#ifndef GLASS_TEST_HARNESS_H
#define GLASS_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>

void test_register(const char *name, void (*fn)(void));
void test_fail(const char *file, int line, const char *what);
extern int test_failures_in_current;

#define TEST(name)                                                       \
	static void name(void);                                          \
	__attribute__((constructor)) static void register_##name(void)  \
	{                                                                \
		test_register(#name, name);                              \
	}                                                                \
	static void name(void)

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond))                                             \
			test_fail(__FILE__, __LINE__, #cond);            \
	} while (0)

#define CHECK_EQ(a, b)                                                   \
	do {                                                             \
		unsigned long long va_ = (unsigned long long)(a);        \
		unsigned long long vb_ = (unsigned long long)(b);        \
		if (va_ != vb_) {                                        \
			char msg_[256];                                  \
			snprintf(msg_, sizeof(msg_),                     \
				 "%s == %s (0x%llx != 0x%llx)", #a, #b,  \
				 va_, vb_);                              \
			test_fail(__FILE__, __LINE__, msg_);             \
		}                                                        \
	} while (0)

#endif

noinst_LIBRARIES += libocispec-lite/libocispec-lite.a
libocispec_lite_libocispec_lite_a_SOURCES = \
	libocispec-lite/oci_config.h \
	libocispec-lite/oci_tables.h libocispec-lite/oci_tables.c

noinst_LIBRARIES += libocispec-lite/libocispec-lite.a
libocispec_lite_libocispec_lite_a_SOURCES = \
	libocispec-lite/oci_config.h \
	libocispec-lite/oci_tables.h libocispec-lite/oci_tables.c \
	libocispec-lite/oci_json.h libocispec-lite/oci_json.c \
	libocispec-lite/oci_parse.c \
	libocispec-lite/oci_state.c \
	libocispec-lite/oci_gen.h libocispec-lite/oci_gen.c \
	libocispec-lite/oci_spec_default.h libocispec-lite/oci_spec_default.c \
	libocispec-lite/oci_features.h libocispec-lite/oci_features.c

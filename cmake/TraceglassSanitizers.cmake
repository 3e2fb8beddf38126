if(TRACEGLASS_ENABLE_ASAN)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()

# Fuzzing needs coverage instrumentation in the code under test, not only in the fuzz target:
# every target of a fuzz build is compiled for libFuzzer (the targets link -fsanitize=fuzzer).
if(TRACEGLASS_BUILD_FUZZERS)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()

if(TRACEGLASS_ENABLE_ASAN)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()

if(TRACEGLASS_BUILD_FUZZERS)
    # Coverage instrumentation for everything a fuzzer links, so libFuzzer sees into the libraries
    # and not only into the fuzz target's own file.
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()

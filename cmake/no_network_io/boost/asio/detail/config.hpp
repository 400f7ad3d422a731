// Every Asio header includes this one first. Found here, before the real one, only by the
// layers below the server (CMakeLists.txt, awa_layer): they do no network I/O.
#error "Asio is the server layer's: memory, domain and persistence may not include it"

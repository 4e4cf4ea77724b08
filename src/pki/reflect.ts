// Loads the reflect-metadata polyfill as a module of its own: the bundler evaluates imported ES modules in order but
// runs a CommonJS import inside the importing module's body, so `import "reflect-metadata"` next to
// `import "@peculiar/x509"` in one file would run after @peculiar/x509's DI container (tsyringe) already needed it.
import "reflect-metadata";
